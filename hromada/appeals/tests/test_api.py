"""The appeals JSON API: every endpoint, four users per object action, and bad input."""

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hromada.accounts.models import User
from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory, log_in_with_totp
from hromada.appeals import services
from hromada.appeals.models import (
    Appeal,
    Attachment,
    CallBack,
    Event,
    Kind,
    Rating,
    RoutingRule,
    Signer,
    State,
)
from hromada.appeals.tests.factories import (
    INSIDE,
    OUTSIDE,
    CategoryFactory,
    district,
    pdf,
    png,
    staff_of,
    submit,
)
from hromada.core.deadlines import KYIV
from hromada.directory.tests.factories import AddresseeFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/appeals/"
RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=KYIV)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class World:
    zhkh: object  # the addressee the appeals go to
    other_addressee: object
    author: User
    stranger: User  # another citizen
    operator: User
    head: User  # responsible staff of zhkh: assigns
    executor: User
    member: User  # staff of zhkh who may see but not act
    outsider: User  # staff of another addressee


@pytest.fixture
def world(db) -> World:
    zhkh = AddresseeFactory(slug="zhkh")
    elsewhere = AddresseeFactory(slug="osvita")
    return World(
        zhkh=zhkh,
        other_addressee=elsewhere,
        author=UserFactory(last_name="Петренко"),
        stranger=UserFactory(),
        operator=UserFactory(roles=[Role.OPERATOR]),
        head=staff_of(zhkh, responsible=True),
        executor=staff_of(zhkh),
        member=staff_of(zhkh),
        outsider=staff_of(elsewhere),
    )


def client_for(user: User | None) -> Client:
    """A client as the person would use the API: staff pass their second factor."""
    client = Client()
    if user is None:
        return client
    if user.is_staff:
        log_in_with_totp(client, user)
    else:
        client.force_login(user)
    return client


def post(client: Client, path: str, body=None):
    return client.post(path, json.dumps(body if body is not None else {}), "application/json")


def error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["message"]
    if code:
        assert body["code"] == code
    return body


def snapshot(appeal: Appeal) -> tuple:
    appeal = Appeal.objects.get(pk=appeal.pk)
    return (
        appeal.state,
        appeal.due_at,
        appeal.extended_at,
        appeal.executor_id,
        appeal.addressee_id,
        appeal.events.count(),
        appeal.answers.count(),
        Rating.objects.filter(appeal=appeal).count(),
        CallBack.objects.filter(appeal=appeal).count(),
        Signer.objects.filter(appeal=appeal, confirmed_at__isnull=False).count(),
    )


def answered(world: World) -> Appeal:
    appeal = submit(world.author, addressee=world.zhkh)
    services.appeal_answer(appeal_id=appeal.pk, actor=world.head, text="Ліхтар замінено.")
    return appeal


APPLICATION = {
    "kind": "application",
    "subject": "Не працює ліхтар",
    "text": "Біля будинку 5 на вулиці Шевченка третій тиждень темно.",
}


# --- Submitting -----------------------------------------------------------------------------


class TestSubmit:
    @time_machine.travel(RECEIVED, tick=False)
    def test_the_receipt_has_the_number_addressee_deadline_and_links(self, world):
        client = client_for(world.author)
        response = post(client, API, {**APPLICATION, "addressee": "zhkh"})
        assert response.status_code == 201, response.content
        body = response.json()
        appeal = Appeal.objects.get()
        assert body["id"] == appeal.pk and body["number"] == "П-2026-000001"
        assert body["state"] == "registered" and body["addressee"]["slug"] == "zhkh"
        assert body["due_at"].startswith("2026-04-02")
        assert "393/96" in body["deadline_basis"]
        assert body["links"] == {
            "self": f"/api/v1/appeals/{appeal.pk}",
            "timeline": f"/api/v1/appeals/{appeal.pk}/timeline",
            "page": f"/appeals/{appeal.pk}/",
        }
        assert body["staff"] is None  # the author does not get the back office's view
        assert appeal.channel == "api" and appeal.author == world.author
        assert [e.action for e in appeal.events.all()] == ["submitted", "routed", "registered"]
        assert appeal.events.first().payload["channel"] == "api"

    def test_an_unaddressed_problem_report_is_routed_by_category_and_place(self, world):
        centre = district()
        roads = CategoryFactory(slug="roads")
        rule = RoutingRule.objects.create(category=roads, district=centre, addressee=world.zhkh)
        client = client_for(world.author)
        response = post(
            client,
            API,
            {
                "kind": "problem_report",
                "subject": "Яма",
                "text": "Глибока яма на дорозі",
                "category": "roads",
                "is_public": True,
                **INSIDE,
            },
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["addressee"]["slug"] == "zhkh" and body["district"]["slug"] == "centre"
        assert body["is_public"] and body["category"]["slug"] == "roads"
        assert Appeal.objects.get().routing_rule == rule

    def test_a_point_outside_the_community_is_refused_and_nothing_is_written(self, world):
        district()
        CategoryFactory(slug="roads")
        report = {"kind": "problem_report", "subject": "Яма", "text": "Яма", "category": "roads"}
        response = post(client_for(world.author), API, {**report, **OUTSIDE})
        assert error(response, 422, "validation_failed")["details"]["field"] == "location"
        assert not Appeal.objects.exists() and not Event.objects.exists()

    @pytest.mark.parametrize(
        ("change", "where"),
        [
            ({"subject": None}, "subject"),  # a missing field
            ({"kind": None}, "kind"),
            ({"latitude": "north", "longitude": 30.0}, "latitude"),  # a wrong type
            ({"co_signers": "a@example.com"}, "co_signers"),
            ({"kinds": "application"}, "kinds"),  # a misspelt field is not silently lost
            ({"text": "a\u0000b"}, "text"),
            ({"urgency_reason": "\u0000"}, "urgency_reason"),
            ({"decision_date": "yesterday"}, "decision_date"),
        ],
    )
    def test_a_malformed_body_is_a_422_naming_the_field(self, world, change, where):
        body = {**APPLICATION, "addressee": "zhkh", **change}
        body = {key: value for key, value in body.items() if value is not None}
        response = post(client_for(world.author), API, body)
        details = error(response, 422, "validation_failed")["details"]
        assert any(where in problem["loc"] for problem in details), details
        assert not Appeal.objects.exists()

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"subject": "   "}, "subject"),
            ({"kind": "petition"}, "kind"),
            ({"subject": "я" * 201}, "subject"),
            ({"addressee": "nobody"}, "addressee"),
            ({"category": "nothing"}, "category"),
            ({"latitude": 50.0}, "location"),
            ({"is_anonymous": True}, "is_anonymous"),
            ({"is_urgent": True}, "is_urgent"),
            ({"co_signers": ["nobody@example.com"]}, "co_signers"),
            ({"complaint_about": 999_999}, "complaint_about"),
        ],
    )
    def test_what_the_service_refuses_is_a_422_with_the_field(self, world, change, field):
        response = post(
            client_for(world.author), API, {**APPLICATION, "addressee": "zhkh", **change}
        )
        assert error(response, 422, "validation_failed")["details"]["field"] == field
        assert not Appeal.objects.exists()

    def test_a_complaint_cannot_be_about_somebody_elses_appeal(self, world):
        theirs = answered(world)
        body = {**APPLICATION, "kind": "complaint", "complaint_about": theirs.pk}
        response = post(client_for(world.stranger), API, body)
        assert error(response, 422)["details"]["field"] == "complaint_about"
        mine = post(client_for(world.author), API, body)
        assert mine.status_code == 201, mine.content
        assert mine.json()["complaint_about"] == theirs.pk

    def test_broken_json_is_refused_in_the_api_format(self, world):
        client = client_for(world.author)
        response = client.post(API, "{not json", "application/json")
        error(response, 400, "malformed_request")
        assert not Appeal.objects.exists()

    def test_an_incomplete_profile_is_told_what_is_missing(self, world):
        newcomer = UserFactory(postal_address="", patronymic="")
        response = post(client_for(newcomer), API, APPLICATION)
        body = error(response, 422, "profile_incomplete")
        assert body["details"]["missing"] == ["patronymic", "postal_address"]
        assert not Appeal.objects.exists()

    def test_anonymous_visitors_are_asked_to_sign_in(self, world):
        error(post(Client(), API, {**APPLICATION, "addressee": "zhkh"}), 401, "not_authenticated")
        assert not Appeal.objects.exists()

    def test_writes_need_the_csrf_token_like_the_site(self, world):
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(world.author)
        response = post(strict, API, {**APPLICATION, "addressee": "zhkh"})
        assert response.status_code in (401, 403)
        assert not Appeal.objects.exists()

    def test_a_signed_in_person_may_report_corruption_anonymously(self, world):
        body = {"kind": "corruption_report", "subject": "Хабар", "text": "Деталі"}
        response = post(client_for(world.author), API, {**body, "is_anonymous": True})
        assert response.status_code == 201, response.content
        report = Appeal.objects.get()
        assert report.author is None and report.author_name == ""
        assert response.json()["number"].startswith("КП-")

    def test_files_come_as_multipart_with_the_json_in_payload(self, world, private_media):
        client = client_for(world.author)
        response = client.post(
            API + "with-files",
            {
                "payload": json.dumps({**APPLICATION, "addressee": "zhkh"}),
                "files": [png(), pdf()],
            },
        )
        assert response.status_code == 201, response.content
        attached = response.json()["attachments"]
        assert [(a["name"], a["content_type"]) for a in attached] == [
            ("photo.png", "image/png"),
            ("scan.pdf", "application/pdf"),
        ]
        appeal = Appeal.objects.get()
        assert attached[0]["url"] == f"/appeals/{appeal.pk}/files/{attached[0]['id']}/"
        assert appeal.channel == "api" and appeal.attachments.count() == 2
        assert len(list(private_media.rglob("*.*"))) == 2

    def test_a_disguised_file_is_refused_and_nothing_is_stored(self, world, private_media):
        disguised = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00" + b"\x00" * 100)
        response = client_for(world.author).post(
            API + "with-files",
            {"payload": json.dumps({**APPLICATION, "addressee": "zhkh"}), "files": [disguised]},
        )
        assert error(response, 422)["details"]["field"] == "files"
        assert not Appeal.objects.exists() and not Attachment.objects.exists()
        assert not list(private_media.rglob("*.*"))

    def test_without_files_the_multipart_form_works_too(self, world):
        response = client_for(world.author).post(
            API + "with-files", {"payload": json.dumps({**APPLICATION, "addressee": "zhkh"})}
        )
        assert response.status_code == 201, response.content
        assert response.json()["attachments"] == []


# --- The citizen's reading ------------------------------------------------------------------


def test_mine_lists_the_authors_and_co_signed_appeals_newest_first(world):
    with time_machine.travel(RECEIVED):
        first = submit(world.author, addressee=world.zhkh)
    with time_machine.travel(RECEIVED + timedelta(days=1)):
        second = submit(world.author, addressee=world.zhkh)
    with time_machine.travel(RECEIVED + timedelta(days=2)):
        signed = submit(world.stranger, addressee=world.zhkh, co_signers=[world.author.email])
    submit(world.stranger, addressee=world.zhkh)

    client = client_for(world.author)
    body = client.get(API + "mine").json()
    assert body["count"] == 3
    assert [line["id"] for line in body["items"]] == [signed.pk, second.pk, first.pk]
    assert body["items"][0]["url"] == f"/api/v1/appeals/{signed.pk}"
    assert body["next_cursor"] is None and body["has_more"] is False
    page = client.get(API + "mine", {"limit": 1}).json()
    assert page["has_more"] is True
    page = client.get(API + "mine", {"limit": 1, "cursor": page["next_cursor"]}).json()
    assert [line["number"] for line in page["items"]] == [second.number]
    last = client.get(API + "mine", {"limit": 1, "cursor": page["next_cursor"]}).json()
    assert [line["id"] for line in last["items"]] == [first.pk]
    assert last["next_cursor"] is None and last["has_more"] is False
    error(client.get(API + "mine", {"cursor": "bm90IGEgY3Vyc29y"}), 422, "validation_failed")
    error(client.get(API + "mine", {"limit": 0}), 422, "validation_failed")
    error(Client().get(API + "mine"), 401)


def test_one_appeal_is_shown_to_those_who_may_see_it_and_to_nobody_else(world):
    appeal = submit(world.author, addressee=world.zhkh)
    path = f"{API}{appeal.pk}"
    error(Client().get(path), 401, "not_authenticated")
    error(client_for(world.stranger).get(path), 404, "not_found")
    error(client_for(world.outsider).get(path), 404, "not_found")
    as_staff = client_for(world.operator).get(path).json()
    assert as_staff["staff"]["author"]["email"] == world.author.email
    assert as_staff["staff"]["page"] == f"/office/appeals/{appeal.pk}/"
    as_author = client_for(world.author).get(path).json()
    assert as_author["number"] == appeal.number and as_author["staff"] is None
    # A number too large for the database is simply not there.
    error(client_for(world.author).get(f"{API}{10**30}"), 404, "not_found")


def test_the_timeline_is_public_for_the_author_and_whole_for_staff(world):
    appeal = submit(world.author, addressee=world.zhkh)
    services.appeal_comment(appeal_id=appeal.pk, actor=world.member, comment="Перевірити")
    path = f"{API}{appeal.pk}/timeline"
    error(Client().get(path), 401)
    error(client_for(world.stranger).get(path), 404, "not_found")
    error(client_for(world.outsider).get(path), 404, "not_found")

    public = client_for(world.author).get(path).json()
    assert [e["action"] for e in public] == ["submitted", "registered"]
    assert all(e["actor"] is None and e["payload"] is None for e in public)

    whole = client_for(world.operator).get(path).json()
    assert [e["action"] for e in whole] == ["submitted", "routed", "registered", "commented"]
    assert whole[3]["actor"]["id"] == world.member.pk and whole[3]["comment"] == "Перевірити"
    assert whole[3]["is_public"] is False and "reason" in whole[1]["payload"]


# --- The author's actions, each with four users ---------------------------------------------


def test_rating_an_answer(world):
    appeal = answered(world)
    path = f"{API}{appeal.pk}/rating"
    body = {"quality": 5, "speed": 4, "completeness": 5, "comment": "Дякую"}
    before = snapshot(appeal)
    error(post(Client(), path, body), 401)
    error(post(client_for(world.stranger), path, body), 404, "not_found")
    error(post(client_for(world.operator), path, body), 403, "permission_denied")
    assert snapshot(appeal) == before

    author = client_for(world.author)
    assert error(post(author, path, {**body, "quality": 6}), 422)["details"]["field"] == "quality"
    assert snapshot(appeal) == before
    response = post(author, path, body)
    assert response.status_code == 201, response.content
    assert response.json()["appeal_state"] == "answered"
    assert (response.json()["quality"], response.json()["speed"]) == (5, 4)
    rated = snapshot(appeal)
    error(post(author, path, body), 409, "conflict")  # a second rating
    assert snapshot(appeal) == rated
    assert Rating.objects.get().comment == "Дякую"


def test_a_disputing_rating_reopens_the_appeal(world):
    appeal = answered(world)
    response = post(
        client_for(world.author),
        f"{API}{appeal.pk}/rating",
        {"quality": 1, "speed": 2, "completeness": 1, "comment": "Не зроблено", "dispute": True},
    )
    assert response.status_code == 201, response.content
    assert response.json()["appeal_state"] == "reopened"
    assert Appeal.objects.get(pk=appeal.pk).state == State.REOPENED


def test_closing_an_answered_appeal(world):
    appeal = answered(world)
    path = f"{API}{appeal.pk}/close"
    before = snapshot(appeal)
    error(post(Client(), path), 401)
    error(post(client_for(world.stranger), path), 404)
    error(post(client_for(world.member), path), 403, "permission_denied")
    assert snapshot(appeal) == before
    response = post(client_for(world.author), path, {"comment": "Дякую"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "closed"
    assert Appeal.objects.get(pk=appeal.pk).state == State.CLOSED


def test_disputing_an_answer(world):
    with time_machine.travel(timedelta(days=-60)):
        long_ago = answered(world)
    appeal = answered(world)
    path = f"{API}{appeal.pk}/dispute"
    body = {"reason": "Ліхтар досі не світить"}
    before = snapshot(appeal)
    error(post(Client(), path, body), 401)
    error(post(client_for(world.stranger), path, body), 404)
    error(post(client_for(world.member), path, body), 403)
    author = client_for(world.author)
    assert error(post(author, path, {"reason": " "}), 422)["details"]["field"] == "reason"
    error(post(author, path, {}), 422, "validation_failed")
    assert snapshot(appeal) == before
    response = post(author, path, body)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "reopened"
    late = snapshot(long_ago)
    error(post(author, f"{API}{long_ago.pk}/dispute", body), 409, "conflict")  # too late
    assert snapshot(long_ago) == late


def test_a_co_signer_confirms_their_signature(world):
    co_signer = UserFactory()
    appeal = submit(world.author, addressee=world.zhkh, co_signers=[co_signer.email])
    path = f"{API}{appeal.pk}/signature"
    before = snapshot(appeal)
    error(post(Client(), path), 401)
    error(post(client_for(world.stranger), path), 404, "not_found")
    error(post(client_for(world.member), path), 404, "not_found")
    error(post(client_for(world.author), path), 404, "not_found")  # the author is no co-signer
    assert snapshot(appeal) == before

    client = client_for(co_signer)
    assert client.get(f"{API}{appeal.pk}").json()["signers"] == {"invited": 1, "confirmed": 0}
    response = post(client, path)
    assert response.status_code == 200, response.content
    assert response.json()["signers"] == {"invited": 1, "confirmed": 1}
    assert Signer.objects.get().confirmed_at is not None
    error(post(client, path), 409, "conflict")


# --- The back office ------------------------------------------------------------------------


class TestQueues:
    def test_who_may_use_them(self, world):
        submit(world.author, addressee=world.zhkh)
        error(Client().get(API + "queues/all"), 401)
        error(client_for(world.author).get(API + "queues/all"), 403, "permission_denied")
        assert client_for(world.outsider).get(API + "queues/all").json()["items"] == []
        [line] = client_for(world.operator).get(API + "queues/all").json()["items"]
        assert line["addressee"]["slug"] == "zhkh" and line["channel"] == "web"

    def test_filters_and_keyset_pages(self, world):
        district()
        roads = CategoryFactory(slug="roads")
        with time_machine.travel(RECEIVED):
            early = [submit(world.author, addressee=world.zhkh) for _ in range(3)]
            submit(world.author, addressee=world.other_addressee)
            submit(
                world.author,
                addressee=world.zhkh,
                kind=Kind.PROBLEM_REPORT,
                category=roads,
                **INSIDE,
            )
            submit(world.author, addressee=world.zhkh, kind=Kind.PUBLIC_INFORMATION)
        client = client_for(world.operator)
        addressed = {"addressee": "zhkh", "kind": "application", "limit": 2}
        first = client.get(API + "queues/all", addressed).json()
        assert [line["id"] for line in first["items"]] == [a.pk for a in early[:2]]
        assert first["has_more"] is True
        second = client.get(API + "queues/all", {**addressed, "cursor": first["next_cursor"]})
        second = second.json()
        assert [line["id"] for line in second["items"]] == [early[2].pk]
        assert second["next_cursor"] is None and second["has_more"] is False
        by_place = client.get(API + "queues/all", {"category": "roads", "district": "centre"})
        assert [line["category"]["slug"] for line in by_place.json()["items"]] == ["roads"]
        dated = client.get(API + "queues/all", {"received_from": "2026-03-03"}).json()
        assert dated["items"] == []
        found = client.get(API + "queues/all", {"q": early[1].number}).json()["items"]
        assert [line["id"] for line in found] == [early[1].pk]

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ({"cursor": "bm90IGEgY3Vyc29y"}, "cursor"),
            ({"received_from": "03.03.2026"}, "received_from"),
            ({"addressee": "nobody"}, "addressee"),
            ({"district": "nowhere"}, "district"),
            ({"category": "nothing"}, "category"),
        ],
    )
    def test_bad_filters_are_a_422_with_the_field(self, world, query, field):
        response = client_for(world.operator).get(API + "queues/all", query)
        assert error(response, 422, "validation_failed")["details"]["field"] == field

    def test_an_unknown_queue_is_a_404(self, world):
        client = client_for(world.operator)
        error(client.get(API + "queues/elsewhere"), 404, "not_found")
        # A NUL in an address is refused before any view, in the same format.
        error(client.get(API + "queues/all", {"q": "a\u0000"}), 400)


@dataclass(frozen=True)
class Transition:
    action: str
    prepare: str  # the state the appeal must be in: submitted, registered, assigned, answered
    actor: str  # the world's member of staff with the right
    refused: str  # a member of staff without it
    refused_status: int
    body: object  # a dict, or a function of the world and the appeal
    state: str  # the state it ends in


TRANSITIONS = [
    Transition("register", "submitted", "operator", "member", 403, {}, "registered"),
    Transition(
        "route",
        "registered",
        "operator",
        "member",
        403,
        {"addressee": "osvita", "comment": "Це про школу"},
        "registered",
    ),
    Transition(
        "assign",
        "registered",
        "head",
        "member",
        403,
        lambda world, appeal: {"executor": world.executor.pk},
        "assigned",
    ),
    Transition("start", "assigned", "executor", "member", 403, None, "in_progress"),
    Transition("answer", "registered", "head", "member", 403, {"text": "Замінено."}, "answered"),
    Transition(
        "extend", "registered", "head", "member", 403, {"reason": "Експертиза"}, "registered"
    ),
    Transition(
        "return", "registered", "operator", "member", 403, {"comment": "Без адреси"}, "returned"
    ),
    Transition(
        "forward",
        "registered",
        "operator",
        "member",
        403,
        {"forwarded_to": "Держгеокадастр"},
        "forwarded",
    ),
    Transition(
        "not_consider",
        "registered",
        "operator",
        "member",
        403,
        {"reason": "repeated"},
        "not_considered",
    ),
    Transition(
        "duplicate",
        "registered",
        "operator",
        "member",
        403,
        lambda world, appeal: {"original": submit(world.author, addressee=world.zhkh).pk},
        "duplicate",
    ),
    Transition("reopen", "answered", "operator", "member", 403, {"reason": "Ні"}, "reopened"),
    Transition("close", "answered", "operator", "member", 403, {}, "closed"),
    Transition(
        "call_back",
        "registered",
        "operator",
        "member",
        403,
        {"outcome": "satisfied", "note": "Задоволена"},
        "registered",
    ),
    # Any staff of the addressee may note; staff of another one may not even see it.
    Transition(
        "comment", "registered", "member", "outsider", 404, {"comment": "Нотатка"}, "registered"
    ),
]


def prepare(world: World, state: str, settings) -> Appeal:
    if state == "submitted":
        settings.APPEAL_PROCESSING_MODE = "registry"
    if state == "answered":
        return answered(world)
    appeal = submit(world.author, addressee=world.zhkh)
    if state == "assigned":
        services.appeal_assign(appeal_id=appeal.pk, actor=world.head, executor=world.executor)
    assert Appeal.objects.get(pk=appeal.pk).state == state
    return appeal


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t.action)
def test_each_transition_with_four_users(world, settings, transition):
    appeal = prepare(world, transition.prepare, settings)
    body = transition.body
    if callable(body):
        body = body(world, appeal)
    path = f"{API}{appeal.pk}/transitions/{transition.action}"
    before = snapshot(appeal)

    error(post(Client(), path, body), 401, "not_authenticated")
    error(post(client_for(world.stranger), path, body), 404, "not_found")
    refused = client_for(getattr(world, transition.refused))
    error(post(refused, path, body), transition.refused_status)
    assert snapshot(appeal) == before

    response = post(client_for(getattr(world, transition.actor)), path, body)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == transition.state
    assert response.json()["staff"] is not None
    assert snapshot(appeal) != before
    assert Appeal.objects.get(pk=appeal.pk).state == transition.state


def test_each_transition_writes_what_it_says(world):
    appeal = submit(world.author, addressee=world.zhkh)
    operator, head = client_for(world.operator), client_for(world.head)
    path = f"{API}{appeal.pk}/transitions/"
    post(head, path + "assign", {"executor": world.executor.pk, "comment": "Терміново"})
    assert Appeal.objects.get(pk=appeal.pk).executor == world.executor
    post(operator, path + "route", {"addressee": "osvita"})
    assert Appeal.objects.get(pk=appeal.pk).addressee == world.other_addressee
    post(operator, path + "call_back", {"outcome": "no_answer"})
    assert CallBack.objects.get(appeal=appeal).outcome == "no_answer"
    body = post(operator, path + "forward", {"forwarded_to": "Держгеокадастр"}).json()
    assert body["forwarded_to"] == "Держгеокадастр"


def test_an_answer_may_carry_files_as_multipart(world, private_media):
    appeal = submit(world.author, addressee=world.zhkh)
    path = f"{API}{appeal.pk}/transitions/answer/with-files"
    payload = json.dumps({"text": "Відповідь у додатку."})
    before = snapshot(appeal)
    for refused, status in ((None, 401), (world.stranger, 404), (world.member, 403)):
        response = client_for(refused).post(path, {"payload": payload, "files": [pdf()]})
        error(response, status)
    assert snapshot(appeal) == before and not list(private_media.rglob("*.*"))

    response = client_for(world.head).post(path, {"payload": payload, "files": [pdf()]})
    assert response.status_code == 200, response.content
    [answer] = response.json()["answers"]
    assert answer["text"] == "Відповідь у додатку."
    assert [a["name"] for a in answer["attachments"]] == ["scan.pdf"]
    assert response.json()["attachments"] == []  # the appeal's own files are apart
    assert Attachment.objects.get().answer_id == answer["id"]


class TestBadTransitions:
    def test_a_transition_from_the_wrong_state_is_a_409_and_changes_nothing(self, world):
        appeal = submit(world.author, addressee=world.zhkh)  # registered, not assigned
        before = snapshot(appeal)
        response = post(client_for(world.head), f"{API}{appeal.pk}/transitions/start")
        assert error(response, 409, "conflict")["details"]["state"] == "registered"
        assert snapshot(appeal) == before

    @time_machine.travel(RECEIVED, tick=False)
    def test_an_extension_beyond_45_days_is_a_422_on_new_due(self, world):
        appeal = submit(world.author, addressee=world.zhkh)
        before = snapshot(appeal)
        client = client_for(world.head)
        path = f"{API}{appeal.pk}/transitions/extend"
        response = post(client, path, {"reason": "Експертиза", "new_due": "2026-04-20"})
        details = error(response, 422, "validation_failed")["details"]
        assert details["field"] == "new_due" and details["latest"] == "2026-04-16"
        assert snapshot(appeal) == before
        fine = post(client, path, {"reason": "Експертиза", "new_due": "2026-04-16"})
        assert fine.json()["due_at"].startswith("2026-04-16") and fine.json()["extended_at"]

    def test_an_unknown_action_is_a_404_in_the_api_format(self, world):
        appeal = submit(world.author, addressee=world.zhkh)
        before = snapshot(appeal)
        response = post(client_for(world.operator), f"{API}{appeal.pk}/transitions/delete")
        error(response, 404, "not_found")
        assert snapshot(appeal) == before

    @pytest.mark.parametrize(
        ("action", "body", "field"),
        [
            ("assign", {"executor": 10**9}, "executor"),
            ("route", {"addressee": "nobody"}, "addressee"),
            ("route", {"addressee": "zhkh"}, "addressee"),  # already there
            ("not_consider", {"reason": "dislike"}, "reason"),
            ("call_back", {"outcome": "maybe"}, "outcome"),
            ("duplicate", {"original": 10**9}, "original"),
            ("forward", {"forwarded_to": ""}, "forwarded_to"),
            ("comment", {"comment": ""}, "comment"),
            ("register", {}, None),  # registered already: a 409, below
        ],
    )
    def test_refused_bodies_name_the_field(self, world, action, body, field):
        appeal = submit(world.author, addressee=world.zhkh)
        before = snapshot(appeal)
        client = client_for(world.operator if action != "assign" else world.head)
        response = post(client, f"{API}{appeal.pk}/transitions/{action}", body)
        if field is None:
            error(response, 409, "conflict")
        else:
            assert error(response, 422, "validation_failed")["details"]["field"] == field
        assert snapshot(appeal) == before

    def test_an_unknown_field_or_a_wrong_type_is_a_422(self, world):
        appeal = submit(world.author, addressee=world.zhkh)
        client = client_for(world.head)
        path = f"{API}{appeal.pk}/transitions/"
        error(post(client, path + "assign", {"executor": "Іван"}), 422, "validation_failed")
        error(post(client, path + "extend", {"reason": "x", "days": 10}), 422)
        error(post(client, path + "extend", {"reason": "x", "new_due": "soon"}), 422)


# --- Public: what a form needs --------------------------------------------------------------


def test_categories_and_kinds_are_public(world):
    CategoryFactory(slug="roads", name="Дороги", order=2)
    CategoryFactory(slug="light", name="Освітлення", order=1)
    CategoryFactory(slug="old", is_active=False)
    client = Client()
    categories = client.get(API + "categories").json()
    assert [c["slug"] for c in categories] == ["light", "roads"]
    kinds = {k["value"]: k for k in client.get(API + "kinds").json()}
    assert set(kinds) == set(Kind.values)
    assert "393/96" in kinds["application"]["term"] and kinds["application"]["urgent_term"] is None
    assert re.search(r"\b5\b", kinds["public_information"]["term"])
    assert "48" in kinds["public_information"]["urgent_term"]
    assert kinds["corruption_report"]["label"]


# --- The schema and a smoke over it ---------------------------------------------------------


def appeals_operations(client: Client) -> dict[tuple[str, str], dict]:
    """(method, path) of each documented appeals operation, with its documented responses."""
    document = client.get("/api/v1/openapi.json").json()
    return {
        (method, path): operation["responses"]
        for path, operations in document["paths"].items()
        if path.startswith(API)
        for method, operation in operations.items()
    }


def test_the_openapi_document_lists_every_appeals_endpoint(client):
    operations = appeals_operations(client)
    expected = {
        ("post", API),
        ("post", API + "with-files"),
        ("get", API + "mine"),
        ("get", API + "categories"),
        ("get", API + "kinds"),
        ("get", API + "{appeal_id}"),
        ("get", API + "{appeal_id}/timeline"),
        ("post", API + "{appeal_id}/rating"),
        ("post", API + "{appeal_id}/close"),
        ("post", API + "{appeal_id}/dispute"),
        ("post", API + "{appeal_id}/signature"),
        ("get", API + "queues/{name}"),
    } | {("post", API + "{appeal_id}/transitions/" + t.action) for t in TRANSITIONS}
    expected.add(("post", API + "{appeal_id}/transitions/answer/with-files"))
    assert set(operations) == expected
    document = client.get("/api/v1/openapi.json").json()
    extend = document["paths"][API + "{appeal_id}/transitions/extend"]["post"]
    body = extend["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/ExtendIn")
    assert "new_due" in document["components"]["schemas"]["ExtendIn"]["properties"]
    refused = extend["responses"]["409"]["content"]["application/json"]["schema"]
    assert refused["$ref"].endswith("/ErrorOut")


@pytest.mark.parametrize("who", ["anonymous", "citizen"])
def test_every_documented_appeals_path_answers_without_a_server_error(world, who):
    appeal = answered(world)
    client = client_for(None if who == "anonymous" else world.stranger)
    operations = appeals_operations(client)
    assert len(operations) == 27
    for (method, template), documented in operations.items():
        path = template.replace("{appeal_id}", str(appeal.pk)).replace("{name}", "triage")
        response = client.get(path) if method == "get" else post(client, path, {})
        assert response.status_code < 500, (method, path, response.content)
        assert str(response.status_code) in documented, (method, path, response.status_code)
        if response.status_code >= 400:
            assert response.json()["error"]["code"], (method, path)
    assert Appeal.objects.count() == 1 and Appeal.objects.get().state == State.ANSWERED


def test_a_due_date_in_the_past_is_a_422(world):
    appeal = submit(world.author, addressee=world.zhkh)
    path = f"{API}{appeal.pk}/transitions/extend"
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = post(client_for(world.head), path, {"reason": "x", "new_due": yesterday})
    assert error(response, 422)["details"]["field"] == "new_due"
