"""The back office through HTTP: queues, one appeal and its actions, bulk actions and the
registration of appeals received by phone, post or in person."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory, log_in_with_totp
from hromada.appeals import office_views, services
from hromada.appeals.models import Appeal, CallBack, Channel, Event, Kind, State
from hromada.appeals.tests.factories import INSIDE, district, pdf, png, staff_of, submit
from hromada.core.deadlines import KYIV
from hromada.directory.tests.factories import AddresseeFactory

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    """English pages, so that the assertions read the interface's own words."""
    with translation.override("en"):
        return reverse(f"appeals:{name}", args=args)


def signed_in(user) -> Client:
    client = Client()
    if user.is_staff:
        log_in_with_totp(client, user)  # staff pages need the second factor
    else:
        client.force_login(user)
    return client


def snapshot(appeal: Appeal) -> tuple:
    appeal = Appeal.objects.get(pk=appeal.pk)
    return (
        appeal.state,
        appeal.addressee_id,
        appeal.executor_id,
        appeal.due_at,
        appeal.duplicate_of_id,
        appeal.events.count(),
        appeal.answers.count(),
        appeal.call_backs.count(),
    )


def page_text(response) -> str:
    return response.content.decode()


@pytest.fixture
def registry(settings):
    settings.APPEAL_PROCESSING_MODE = "registry"


@pytest.fixture
def other_addressee(db):
    return AddresseeFactory()


@pytest.fixture
def outsider(other_addressee):
    """An executor of another addressee: staff, but with no business in these appeals."""
    return staff_of(other_addressee)


# --- Who may open the back office -------------------------------------------------------------


class TestAccess:
    def test_anonymous_visitors_are_sent_to_sign_in(self, client):
        for name in ("office_queue", "office_new", "office_journal"):
            response = client.get(url(name))
            assert response.status_code == 302
            assert response["Location"].startswith("/en/accounts/login/")

    def test_citizens_are_refused(self, citizen):
        client = signed_in(citizen)
        for name in ("office_queue", "office_new", "office_journal"):
            assert client.get(url(name)).status_code == 403
        assert client.post(url("office_bulk"), {"action": "start"}).status_code == 403

    def test_staff_without_two_factor_are_sent_to_set_it_up(self, operator):
        client = Client()
        client.force_login(operator)
        response = client.get(url("office_queue"))
        assert response.status_code == 302
        assert "/2fa/" in response["Location"]

    def test_executors_see_the_queues_but_not_registration_or_the_journal(self, executor):
        client = signed_in(executor)
        assert client.get(url("office_queue")).status_code == 200
        assert client.get(url("office_new")).status_code == 403
        assert client.get(url("office_journal")).status_code == 403


# --- The queues -------------------------------------------------------------------------------


class TestQueue:
    def test_the_triage_queue_lists_new_appeals_with_what_staff_need(self, registry, operator):
        appeal = submit(addressee=AddresseeFactory(name="Відділ освітлення"), has_benefits=True)
        response = signed_in(operator).get(url("office_queue"))
        assert response.status_code == 200
        html = page_text(response)
        assert f'href="{url("office_detail", appeal.pk)}"' in html
        assert appeal.number in html and "Відділ освітлення" in html
        assert "Петренко Оксана Іванівна" in html
        assert "Priority: benefits" in html
        # The operator starts on triage; the tab says so to screen readers too.
        assert 'href="?queue=triage" aria-current="page"' in html
        assert "Due:" in html and "deadline-ok" in html

    def test_overdue_appeals_say_so_in_words_and_colour(self, operator, addressee):
        with time_machine.travel(timezone.now() - timedelta(days=60)):
            late = submit(addressee=addressee)
        response = signed_in(operator).get(url("office_queue") + "?queue=overdue")
        html = page_text(response)
        assert late.number in html
        assert "deadline-overdue" in html and "Overdue:" in html
        assert '<li class="flag flag-danger">Overdue</li>' in html

    def test_mine_and_my_addressees_queues(self, addressee, head, executor, outsider):
        ours = submit(addressee=addressee)
        services.appeal_assign(appeal_id=ours.pk, actor=head, executor=executor)
        theirs = submit(addressee=outsider.memberships.get().addressee)
        client = signed_in(executor)
        mine = page_text(client.get(url("office_queue") + "?queue=mine"))
        assert ours.number in mine and theirs.number not in mine
        # Executors start on their own queue.
        assert 'href="?queue=mine" aria-current="page"' in page_text(
            client.get(url("office_queue"))
        )
        head_queue = page_text(signed_in(head).get(url("office_queue") + "?queue=addressee"))
        assert ours.number in head_queue and theirs.number not in head_queue

    def test_nobody_sees_in_a_queue_what_they_may_not_open(self, operator, addressee, outsider):
        report = services.appeal_submit(
            actor=None,
            kind=Kind.CORRUPTION_REPORT,
            subject="Хабар",
            text="Деталі",
            is_anonymous=True,
        )
        ordinary = submit(addressee=addressee)
        html = page_text(signed_in(operator).get(url("office_queue") + "?queue=all"))
        assert ordinary.number in html and report.number not in html
        html = page_text(signed_in(outsider).get(url("office_queue") + "?queue=all"))
        assert ordinary.number not in html
        officer = UserFactory(roles=[Role.ANTICORRUPTION])
        html = page_text(signed_in(officer).get(url("office_queue") + "?queue=all"))
        # The numbers as the table's links show them (one may end another: П-… and КП-…).
        assert f">{report.number}<" in html and f">{ordinary.number}<" not in html
        assert "Anonymous" in html

    def test_filters_narrow_the_list_and_search_finds_number_text_and_author(
        self, operator, addressee, other_addressee
    ):
        lamp = submit(UserFactory(last_name="Ковальчук"), addressee=addressee)
        road = submit(
            addressee=other_addressee,
            kind=Kind.PROPOSAL,
            subject="Яма на дорозі",
            text="Глибока яма біля школи",
        )
        client = signed_in(operator)
        base = url("office_queue") + "?queue=all"

        def listed(query: str) -> set[str]:
            html = page_text(client.get(base + query))
            return {a.number for a in (lamp, road) if a.number in html}

        assert listed("") == {lamp.number, road.number}
        assert listed("&kind=proposal") == {road.number}
        assert listed(f"&addressee={addressee.pk}") == {lamp.number}
        assert listed("&state=registered&channel=web") == {lamp.number, road.number}
        assert listed("&channel=phone") == set()
        assert listed("&q=ЯМА+біля") == {road.number}
        assert listed("&q=ковальчук") == {lamp.number}
        assert listed(f"&q={road.number}") == {road.number}
        today = timezone.localdate()
        assert listed(f"&received_from={today}&received_to={today}") == {lamp.number, road.number}
        assert listed(f"&received_to={today - timedelta(days=1)}") == set()

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("kind=nonsense", "Select a valid choice"),
            ("received_from=yesterday", "Enter a valid date"),
            ("received_from=2026-03-02&received_to=2026-03-01", "comes before its start"),
            ("addressee=999999", "Select a valid choice"),
            ("after=not-a-cursor", "The page address is not valid"),
            ("queue=everything", "No such queue."),
        ],
    )
    def test_invalid_filters_are_told_not_crashed_on(self, operator, addressee, query, message):
        submit(addressee=addressee)
        response = signed_in(operator).get(url("office_queue") + "?" + query)
        assert response.status_code == 400
        assert message in page_text(response)

    def test_keyset_pages_follow_the_deadline_and_keep_the_filters(
        self, operator, addressee, monkeypatch
    ):
        monkeypatch.setattr(office_views, "QUEUE_PAGE_SIZE", 2)
        start = timezone.now() - timedelta(days=5)
        appeals = []
        for day in range(5):
            with time_machine.travel(start + timedelta(days=day)):
                appeals.append(submit(addressee=addressee))
        proposal = submit(addressee=addressee, kind=Kind.PROPOSAL)  # filtered out below
        client = signed_in(operator)
        numbers = [a.number for a in appeals]
        seen = []
        address = url("office_queue") + "?queue=all&kind=application"
        pages = 0
        while address:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(address)
            html = page_text(response)
            sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
            # The queue never counts itself and never skips rows with OFFSET.
            assert "COUNT(" not in sql and " OFFSET " not in sql
            seen += [n for n in numbers if n in html]
            assert proposal.number not in html
            pages += 1
            marker = 'rel="next"'
            if marker in html:
                href = html.split(marker)[0].rsplit('href="', 1)[1].split('"')[0]
                assert "kind=application" in href and "after=" in href
                address = url("office_queue") + href.replace("&amp;", "&")
            else:
                address = ""
        assert pages == 3
        assert seen == numbers  # earliest deadline first, each once

    def test_the_most_supported_come_first_page_by_page(self, operator, addressee, monkeypatch):
        monkeypatch.setattr(office_views, "QUEUE_PAGE_SIZE", 2)
        district()
        start = timezone.now() - timedelta(days=5)
        appeals = []
        for day, supporters in enumerate([0, 3, 1, 3, 0]):
            with time_machine.travel(start + timedelta(days=day)):
                appeal = submit(addressee=addressee, kind=Kind.PROBLEM_REPORT, **INSIDE)
            Appeal.objects.filter(pk=appeal.pk).update(support_count=supporters)
            appeals.append(appeal)
        client = signed_in(operator)
        address = url("office_queue") + "?queue=all&sort=support"
        seen, pages = [], 0
        while address:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(address)
            html = page_text(response)
            sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
            assert "COUNT(" not in sql and " OFFSET " not in sql
            # The rows in the order the page shows them.
            seen += sorted(
                (a for a in appeals if a.number in html), key=lambda a: html.index(a.number)
            )
            pages += 1
            marker = 'rel="next"'
            if marker in html:
                href = html.split(marker)[0].rsplit('href="', 1)[1].split('"')[0]
                assert "sort=support" in href and "after=" in href
                address = url("office_queue") + href.replace("&amp;", "&")
            else:
                address = ""
        assert pages == 3
        # Most supported first; among equals the earliest deadline.
        assert seen == [appeals[1], appeals[3], appeals[2], appeals[0], appeals[4]]
        first = page_text(client.get(url("office_queue") + "?queue=all&sort=support"))
        assert "3 supporters" in first and "most supported first" in first
        # A cursor of the deadline order is not one of this order.
        bad = client.get(url("office_queue") + "?queue=all&sort=support&after=bm9uZQ")
        assert bad.status_code == 400 and "The page address is not valid." in page_text(bad)
        wrong = client.get(url("office_queue") + "?queue=all&sort=loudest")
        assert wrong.status_code == 400 and "Choose the order from the list." in page_text(wrong)

    def test_statistics_of_my_addressee(self, addressee, head, executor):
        answered = submit(addressee=addressee)
        services.appeal_assign(appeal_id=answered.pk, actor=head, executor=executor)
        services.appeal_answer(appeal_id=answered.pk, actor=executor, text="Полагоджено.")
        submit(addressee=addressee)
        submit(addressee=AddresseeFactory())  # not ours
        html = page_text(signed_in(head).get(url("office_queue")))
        section = html.split('id="statistics-title"')[1]
        assert addressee.name in section
        assert "<dt>Received</dt><dd>2</dd>" in section
        assert "<dt>Answered</dt><dd>1</dd>" in section
        assert "1 (100%)" in section


# --- Bulk actions -----------------------------------------------------------------------------


class TestBulk:
    def test_partial_refusals_are_reported_and_the_rest_is_done(
        self, addressee, other_addressee, head, executor
    ):
        ours = [submit(addressee=addressee) for _ in range(2)]
        theirs = submit(addressee=other_addressee)
        operator = UserFactory(roles=[Role.OPERATOR])
        before = snapshot(theirs)
        client = signed_in(operator)
        response = client.post(
            url("office_bulk"),
            {
                "appeals": [a.pk for a in ours] + [theirs.pk],
                "action": "assign",
                "executor": executor.pk,
                "return_query": "queue=all&kind=application",
            },
            follow=True,
        )
        assert response.redirect_chain[0][0].endswith("?queue=all&kind=application")
        html = page_text(response)
        assert "Done with 2 of 3 appeals." in html
        assert f"{theirs.number} was refused: The executor must be a member of staff" in html
        for appeal in ours:
            appeal.refresh_from_db()
            assert appeal.state == State.ASSIGNED and appeal.executor == executor
        assert snapshot(theirs) == before

    def test_appeals_one_may_not_see_are_refused_without_saying_what_they_are(
        self, addressee, other_addressee, outsider
    ):
        hidden = submit(addressee=addressee, subject="Таємна тема")
        own = submit(addressee=other_addressee)
        services.appeal_assign(
            appeal_id=own.pk, actor=UserFactory(roles=[Role.OPERATOR]), executor=outsider
        )
        before = snapshot(hidden)
        response = signed_in(outsider).post(
            url("office_bulk"), {"appeals": [hidden.pk, own.pk], "action": "start"}, follow=True
        )
        html = page_text(response)
        assert f"#{hidden.pk} was refused: No such appeal." in html
        assert hidden.number not in html
        assert snapshot(hidden) == before
        assert Appeal.objects.get(pk=own.pk).state == State.IN_PROGRESS

    def test_a_bulk_form_without_what_the_action_needs_changes_nothing(self, operator, addressee):
        appeal = submit(addressee=addressee)
        before = snapshot(appeal)
        client = signed_in(operator)
        response = client.post(
            url("office_bulk"), {"appeals": [appeal.pk], "action": "route"}, follow=True
        )
        assert "Choose the addressee." in page_text(response)
        response = client.post(url("office_bulk"), {"action": "start"}, follow=True)
        assert "Tick at least one appeal." in page_text(response)
        for wrong in (["x"], ["-1"], [str(2**40)]):
            data = {"appeals": wrong, "action": "start"}
            response = client.post(url("office_bulk"), data, follow=True)
            assert "The list of appeals is not valid." in page_text(response)
        assert snapshot(appeal) == before

    def test_anonymous_and_citizens_cannot_use_it(self, addressee, client, citizen):
        appeal = submit(addressee=addressee)
        before = snapshot(appeal)
        data = {"appeals": [appeal.pk], "action": "start"}
        assert client.post(url("office_bulk"), data)["Location"].startswith("/en/accounts/login/")
        assert signed_in(citizen).post(url("office_bulk"), data).status_code == 403
        assert snapshot(appeal) == before


# --- One appeal -------------------------------------------------------------------------------


class TestDetail:
    def test_four_users(self, client, addressee, head, outsider):
        author = UserFactory(last_name="Мельник")
        appeal = submit(author, addressee=addressee, files=[pdf()])
        detail = url("office_detail", appeal.pk)
        assert client.get(detail)["Location"].startswith("/en/accounts/login/")
        # Even the author: the back office shows internals, the author has their own page.
        assert signed_in(author).get(detail).status_code == 404
        assert signed_in(UserFactory()).get(detail).status_code == 404
        assert signed_in(outsider).get(detail).status_code == 404
        response = signed_in(head).get(detail)
        assert response.status_code == 200
        html = page_text(response)
        assert "Мельник Оксана Іванівна" in html and author.email in html
        assert "+380671234567" in html.replace(" ", "")
        assert url("attachment", appeal.pk, appeal.attachments.get().pk) in html
        assert "Sent to the addressee" in html and "internal" in html  # the routing event

    def test_an_unknown_appeal_is_404(self, operator):
        assert signed_in(operator).get(url("office_detail", 999999)).status_code == 404

    def test_it_shows_the_history_around_the_appeal(self, operator, addressee, head, executor):
        author = UserFactory()
        first = submit(author, addressee=addressee, subject="Ліхтар")
        services.appeal_assign(appeal_id=first.pk, actor=head, executor=executor)
        services.appeal_answer(appeal_id=first.pk, actor=executor, text="Замінили лампу.")
        again = submit(author, addressee=addressee, subject="Ліхтар")
        services.appeal_call_back(
            appeal_id=again.pk, actor=operator, outcome=CallBack.Outcome.NO_ANSWER, note="Зайнято"
        )
        services.appeal_comment(appeal_id=again.pk, actor=operator, comment="Перевірити адресу")
        again.refresh_from_db()
        assert again.repeated_of == first
        client = signed_in(operator)
        html = page_text(client.get(url("office_detail", again.pk)))
        assert "Possibly repeats" in html and url("office_detail", first.pk) in html
        earlier = html.split('id="earlier-title"')[1].split("</section>")[0]
        assert first.number in earlier
        assert "Did not answer" in html and "Зайнято" in html
        assert "Перевірити адресу" in html
        answers = page_text(client.get(url("office_detail", first.pk)))
        assert "Замінили лампу." in answers

    def test_a_corruption_report_is_seen_by_the_officers_only(self):
        report = services.appeal_submit(
            actor=None,
            kind=Kind.CORRUPTION_REPORT,
            subject="Хабар",
            text="Деталі",
            is_anonymous=True,
        )
        operator = UserFactory(roles=[Role.OPERATOR])
        assert signed_in(operator).get(url("office_detail", report.pk)).status_code == 404
        officer = UserFactory(roles=[Role.ANTICORRUPTION])
        html = page_text(signed_in(officer).get(url("office_detail", report.pk)))
        assert "An anonymous report: the author is not known." in html
        assert "Confidential: report of possible corruption" in html

    def test_only_the_actions_allowed_now_are_offered(self, registry, addressee, executor):
        operator = UserFactory(roles=[Role.OPERATOR])
        appeal = submit(addressee=addressee)
        html = page_text(signed_in(operator).get(url("office_detail", appeal.pk)))
        for slug in ("register", "return", "forward", "not_consider", "duplicate", "call_back"):
            assert f'id="action-{slug}"' in html
        for slug in ("start", "answer", "close", "reopen", "assign", "extend", "route"):
            assert f'id="action-{slug}"' not in html
        # A plain member of the addressee's staff may only add a note.
        html = page_text(signed_in(executor).get(url("office_detail", appeal.pk)))
        assert 'id="action-comment"' in html and 'id="action-register"' not in html

    def test_the_assign_form_offers_the_addressees_staff_only(
        self, addressee, head, executor, outsider
    ):
        appeal = submit(addressee=addressee)
        html = page_text(signed_in(head).get(url("office_detail", appeal.pk)))
        form = html.split('id="action-assign"')[1].split("</details>")[0]
        assert f'value="{executor.pk}"' in form and f'value="{outsider.pk}"' not in form

    def test_the_extension_form_shows_the_legal_limit(self, addressee, head):
        with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=KYIV)):
            appeal = submit(addressee=addressee)
            html = page_text(signed_in(head).get(url("office_detail", appeal.pk)))
        assert "The law allows extending it until 16 April 2026 at the latest." in html
        assert 'max="2026-04-16"' in html


# --- Actions on one appeal: four users each ---------------------------------------------------


def _registered(addressee, **fields):
    return submit(addressee=addressee, **fields)


def _assigned(addressee, head, executor):
    appeal = submit(addressee=addressee)
    services.appeal_assign(appeal_id=appeal.pk, actor=head, executor=executor)
    return appeal


def _answered(addressee, head, executor):
    appeal = _assigned(addressee, head, executor)
    services.appeal_answer(appeal_id=appeal.pk, actor=executor, text="Зроблено.")
    return appeal


# slug → (how to prepare, who has the right, the form, what must be true afterwards)
CASES = {
    "register": (
        lambda c: submit(addressee=c["addressee"]),
        "operator",
        lambda c: {"register-addressee": c["other_addressee"].pk, "register-is_simple": "on"},
        lambda a, c: (
            a.state == State.REGISTERED and a.addressee == c["other_addressee"] and a.is_simple
        ),
    ),
    "route": (
        lambda c: _registered(c["addressee"]),
        "operator",
        lambda c: {"route-addressee": c["other_addressee"].pk, "route-comment": "Не наше"},
        lambda a, c: a.addressee == c["other_addressee"] and a.state == State.REGISTERED,
    ),
    "assign": (
        lambda c: _registered(c["addressee"]),
        "head",
        lambda c: {"assign-executor": c["executor"].pk},
        lambda a, c: a.executor == c["executor"] and a.state == State.ASSIGNED,
    ),
    "start": (
        lambda c: _assigned(c["addressee"], c["head"], c["executor"]),
        "executor",
        lambda c: {},
        lambda a, c: a.state == State.IN_PROGRESS,
    ),
    "answer": (
        lambda c: _assigned(c["addressee"], c["head"], c["executor"]),
        "executor",
        lambda c: {"answer-text": "Лампу замінено.", "answer-files": [png("act.png")]},
        lambda a, c: (
            a.state == State.ANSWERED
            and a.answers.get().text == "Лампу замінено."
            and a.answers.get().attachments.get().original_name == "act.png"
        ),
    ),
    "extend": (
        lambda c: _assigned(c["addressee"], c["head"], c["executor"]),
        "executor",
        lambda c: {"extend-reason": "Потрібна експертиза"},
        lambda a, c: a.extended_at is not None and a.due_at > a.received_at + timedelta(days=40),
    ),
    "return": (
        lambda c: _registered(c["addressee"]),
        "operator",
        lambda c: {"return-comment": "Немає адреси"},
        lambda a, c: a.state == State.RETURNED,
    ),
    "forward": (
        lambda c: _registered(c["addressee"]),
        "operator",
        lambda c: {"forward-forwarded_to": "Держпродспоживслужба"},
        lambda a, c: a.state == State.FORWARDED and a.forwarded_to == "Держпродспоживслужба",
    ),
    "not_consider": (
        lambda c: _registered(c["addressee"]),
        "operator",
        lambda c: {"not_consider-reason": "repeated"},
        lambda a, c: a.state == State.NOT_CONSIDERED,
    ),
    "duplicate": (
        lambda c: _registered(c["addressee"]),
        "operator",
        lambda c: {"duplicate-original": c["original"].number.lower()},
        lambda a, c: a.state == State.DUPLICATE and a.duplicate_of == c["original"],
    ),
    "reopen": (
        lambda c: _answered(c["addressee"], c["head"], c["executor"]),
        "operator",
        lambda c: {"reopen-reason": "Лампа знову не світить"},
        lambda a, c: a.state == State.REOPENED,
    ),
    "close": (
        lambda c: _answered(c["addressee"], c["head"], c["executor"]),
        "operator",
        lambda c: {"close-comment": "Автор задоволений"},
        lambda a, c: a.state == State.CLOSED,
    ),
    "call_back": (
        lambda c: _registered(c["addressee"]),
        "operator",
        lambda c: {"call_back-outcome": "satisfied", "call_back-note": "Дякує"},
        lambda a, c: a.call_backs.get().outcome == "satisfied",
    ),
    "comment": (
        lambda c: _registered(c["addressee"]),
        "colleague",
        lambda c: {"comment-comment": "Зателефонувати в ЖЕК"},
        lambda a, c: a.events.filter(action=Event.Action.COMMENTED, is_public=False).exists(),
    ),
}


@pytest.fixture
def cast(addressee, other_addressee, head, executor, outsider, operator):
    return {
        "addressee": addressee,
        "other_addressee": other_addressee,
        "head": head,
        "executor": executor,
        "operator": operator,
        "outsider": outsider,
        # Staff of the same addressee with neither the appeal nor a responsibility.
        "colleague": staff_of(addressee),
        "original": submit(addressee=addressee, subject="Перше звернення"),
    }


@pytest.mark.parametrize("slug", list(CASES))
def test_each_action_with_four_users(slug, registry, cast, settings):
    prepare, holder, data, done = CASES[slug]
    if slug != "register":
        settings.APPEAL_PROCESSING_MODE = "direct"
    appeal = prepare(cast)
    before = snapshot(appeal)
    action = url("office_act", appeal.pk, slug)

    response = Client().post(action, data(cast))
    assert response.status_code == 302 and response["Location"].startswith("/en/accounts/login/")
    assert response["Location"].endswith(f"?next={url('office_detail', appeal.pk)}")
    assert snapshot(appeal) == before

    assert signed_in(UserFactory()).post(action, data(cast)).status_code == 404
    assert snapshot(appeal) == before

    assert signed_in(cast["outsider"]).post(action, data(cast)).status_code == 404
    assert snapshot(appeal) == before

    if holder != "colleague":
        # Staff who may see the appeal but not do this: refused with a message.
        response = signed_in(cast["colleague"]).post(action, data(cast))
        assert response.status_code == 403
        assert "You may not do this with this appeal." in page_text(response)
        assert snapshot(appeal) == before

    response = signed_in(cast[holder]).post(action, data(cast), follow=True)
    assert response.redirect_chain == [(url("office_detail", appeal.pk), 302)]
    assert 'class="message message-success"' in page_text(response)
    assert done(Appeal.objects.get(pk=appeal.pk), cast)


def test_an_unknown_action_is_404_and_reading_an_action_is_not_allowed(operator, addressee):
    appeal = submit(addressee=addressee)
    client = signed_in(operator)
    assert client.post(url("office_act", appeal.pk, "delete")).status_code == 404
    assert client.get(url("office_act", appeal.pk, "close")).status_code == 405
    assert client.post(url("office_act", 999999, "close")).status_code == 404


class TestRefusals:
    def test_a_transition_from_the_wrong_state_is_told_and_changes_nothing(
        self, operator, addressee
    ):
        appeal = submit(addressee=addressee)  # registered, nobody assigned
        before = snapshot(appeal)
        client = signed_in(operator)
        response = client.post(url("office_act", appeal.pk, "start"))
        assert response.status_code == 409
        html = page_text(response)
        assert 'role="alert"' in html and "cannot be taken into work; assign it first" in html
        response = client.post(url("office_act", appeal.pk, "close"), {"close-comment": ""})
        assert response.status_code == 409
        assert "Only an answered appeal can be closed" in page_text(response)
        assert snapshot(appeal) == before

    def test_an_action_not_offered_with_an_incomplete_form_is_refused(self, operator, addressee):
        appeal = submit(addressee=addressee)
        before = snapshot(appeal)
        response = signed_in(operator).post(url("office_act", appeal.pk, "reopen"), {})
        assert response.status_code == 409
        assert "This action is not available for this appeal now." in page_text(response)
        assert snapshot(appeal) == before

    def test_missing_fields_are_marked_beside_them(self, operator, addressee):
        appeal = submit(addressee=addressee)
        before = snapshot(appeal)
        response = signed_in(operator).post(url("office_act", appeal.pk, "forward"), {})
        assert response.status_code == 422
        html = page_text(response)
        form = html.split('id="action-forward"')[1].split("</details>")[0]
        assert " open" in html.split('id="action-forward"')[0][-40:]  # unfolded
        assert 'aria-invalid="true"' in form and "This field is required." in form
        assert snapshot(appeal) == before

    def test_an_extension_beyond_the_law_is_refused_beside_the_date(self, addressee, head):
        with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=KYIV)):
            appeal = submit(addressee=addressee)
            before = snapshot(appeal)
            response = signed_in(head).post(
                url("office_act", appeal.pk, "extend"),
                {"extend-new_due": "2026-05-01", "extend-reason": "Експертиза"},
            )
        assert response.status_code == 422
        html = page_text(response)
        error = html.split('id="id_extend-new_due_error"')[1].split("</ul>")[0]
        assert "The latest allowed date is" in error
        assert 'aria-describedby="id_extend-new_due_helptext id_extend-new_due_error"' in html
        assert snapshot(appeal) == before

    def test_a_duplicate_of_an_appeal_one_cannot_see_is_not_found(
        self, operator, addressee, other_addressee
    ):
        appeal = submit(addressee=addressee)
        report = services.appeal_submit(
            actor=None,
            kind=Kind.CORRUPTION_REPORT,
            subject="Хабар",
            text="Деталі",
            is_anonymous=True,
        )
        before = snapshot(appeal)
        client = signed_in(operator)
        for number in (report.number, "Х-1999-000001", appeal.number):
            response = client.post(
                url("office_act", appeal.pk, "duplicate"), {"duplicate-original": number}
            )
            assert response.status_code == 422
        assert "No appeal you may see has this number." in page_text(
            client.post(url("office_act", appeal.pk, "duplicate"), {"duplicate-original": "x"})
        )
        # Itself: the form finds it, the service refuses it beside the field.
        response = client.post(
            url("office_act", appeal.pk, "duplicate"), {"duplicate-original": appeal.number}
        )
        assert "Choose the original appeal." in page_text(response)
        assert snapshot(appeal) == before

    def test_a_disguised_answer_file_is_refused_and_nothing_is_kept(
        self, addressee, head, executor
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        appeal = _assigned(addressee, head, executor)
        before = snapshot(appeal)
        fake = SimpleUploadedFile(
            "act.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
        )
        response = signed_in(executor).post(
            url("office_act", appeal.pk, "answer"), {"answer-text": "Ось", "answer-files": [fake]}
        )
        assert response.status_code == 422
        assert 'id="id_answer-files_error"' in page_text(response)
        assert snapshot(appeal) == before


# --- Registration on behalf of a citizen ------------------------------------------------------


def _phone_call(**overrides):
    data = {
        "channel": "phone",
        "kind": "application",
        "last_name": "Бондар",
        "first_name": "Іван",
        "patronymic": "Петрович",
        "phone": "+380501112233",
        "subject": "Не вивезли сміття",
        "text": "Третій день не вивозять сміття з двору на вул. Садовій, 4.",
    }
    data.update(overrides)
    return data


class TestRegisterOnBehalf:
    def test_an_operator_registers_a_phone_call(self, operator, addressee, head):
        client = signed_in(operator)
        response = client.post(
            url("office_new"), _phone_call(addressee=addressee.pk, files=[pdf("letter.pdf")])
        )
        appeal = Appeal.objects.get()
        assert response.status_code == 302
        assert response["Location"] == url("office_detail", appeal.pk)
        assert appeal.channel == Channel.PHONE
        assert appeal.registered_by == operator and appeal.author is None
        assert appeal.author_name == "Бондар Іван Петрович"
        assert appeal.author_phone == "+380501112233"
        assert appeal.addressee == addressee and appeal.state == State.REGISTERED
        assert appeal.attachments.get().original_name == "letter.pdf"
        page = page_text(client.get(response["Location"]))
        assert f"Registered as {appeal.number}" in page
        assert "No account: registered by staff" in page

    def test_what_the_law_requires_is_asked_for_and_nothing_is_saved(self, operator):
        client = signed_in(operator)
        response = client.post(url("office_new"), _phone_call(phone="", first_name=""))
        assert response.status_code == 422
        html = page_text(response)
        assert "write down the author" in html
        assert 'id="id_last_name_error"' in html
        response = client.post(url("office_new"), _phone_call(channel="web"))
        assert response.status_code == 422
        response = client.post(url("office_new"), _phone_call(kind="problem_report"))
        assert response.status_code == 422
        assert 'id="id_latitude_error"' in page_text(response)
        assert not Appeal.objects.exists()

    def test_operators_cannot_register_corruption_reports_and_officers_only_those(self, operator):
        response = signed_in(operator).post(
            url("office_new"), _phone_call(kind="corruption_report")
        )
        assert response.status_code == 422
        assert not Appeal.objects.exists()
        officer = UserFactory(roles=[Role.ANTICORRUPTION])
        client = signed_in(officer)
        html = page_text(client.get(url("office_new")))
        assert 'value="corruption_report"' in html and 'value="application"' not in html
        response = client.post(
            url("office_new"),
            _phone_call(
                kind="corruption_report",
                is_anonymous="on",
                last_name="",
                first_name="",
                patronymic="",
                phone="",
            ),
        )
        report = Appeal.objects.get()
        assert response.status_code == 302
        assert report.is_anonymous and report.kind == Kind.CORRUPTION_REPORT
        assert report.registered_by == officer

    def test_anonymity_is_for_corruption_reports_only(self):
        both = UserFactory(roles=[Role.OPERATOR, Role.ANTICORRUPTION])
        response = signed_in(both).post(url("office_new"), _phone_call(is_anonymous="on"))
        assert response.status_code == 422
        assert "Only a report of possible corruption may be anonymous." in page_text(response)
        assert not Appeal.objects.exists()

    def test_four_users(self, client, citizen, executor, operator):
        response = client.post(url("office_new"), _phone_call())
        assert response["Location"].startswith("/en/accounts/login/")
        assert signed_in(citizen).post(url("office_new"), _phone_call()).status_code == 403
        assert signed_in(executor).post(url("office_new"), _phone_call()).status_code == 403
        assert not Appeal.objects.exists()
        assert signed_in(operator).post(url("office_new"), _phone_call()).status_code == 302
        assert Appeal.objects.get().registered_by == operator


def test_complaint_dates_reach_the_record(operator, addressee):
    today = timezone.localdate()
    decided, learned = today - timedelta(days=20), today - timedelta(days=18)
    response = signed_in(operator).post(
        url("office_new"),
        _phone_call(
            kind="complaint",
            addressee=addressee.pk,
            decision_date=decided.isoformat(),
            learned_date=learned.isoformat(),
        ),
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.decision_date, appeal.learned_date) == (decided, learned)
