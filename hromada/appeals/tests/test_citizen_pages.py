"""The citizen's pages: filing, the list, one appeal and its author's actions, the files.

Every action on an appeal is tried by four people: an anonymous visitor, another citizen, a
member of staff without the right, and the one with it; a refusal must change nothing.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hromada.accounts.tests.factories import UserFactory, log_in_with_totp
from hromada.appeals import services
from hromada.appeals.models import Appeal, Attachment, Event, Kind, Rating, Signer, State
from hromada.appeals.tests.factories import (
    INSIDE,
    OUTSIDE,
    CategoryFactory,
    district,
    png,
    staff_of,
    submit,
)
from hromada.directory.tests.factories import AddresseeFactory

pytestmark = pytest.mark.django_db

# English pages: the tests read the words the site says, before any translation exists.
NEW = "/en/appeals/new/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def author(db):
    return UserFactory(last_name="Коваль")


@pytest.fixture
def appeal(author, addressee):
    return submit(author, addressee=addressee, files=[png("yard.png")])


@pytest.fixture
def answered(appeal, head):
    services.appeal_answer(appeal_id=appeal.pk, actor=head, text="Ліхтар замінено.")
    appeal.refresh_from_db()
    return appeal


def signed_in(user) -> Client:
    client = Client()
    if user.is_staff:
        log_in_with_totp(client, user)
    else:
        client.force_login(user)
    return client


@pytest.fixture
def people(author, addressee):
    """The four people of every permission test, each with a signed-in client."""
    outsider_office = AddresseeFactory()
    return {
        "anonymous": Client(),
        "other citizen": signed_in(UserFactory()),
        "staff without the right": signed_in(staff_of(outsider_office)),
        "author": signed_in(author),
    }


def refused(response) -> bool:
    """Refused without a trace of the appeal: sent to log in, or told there is no such page."""
    if response.status_code == 302:
        return response["Location"].startswith("/en/accounts/login/")
    return response.status_code == 404


def form_data(**fields) -> dict:
    data = {
        "kind": Kind.APPLICATION,
        "subject": "Не світить ліхтар",
        "text": "Темно біля під'їзду.",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- Filing ---------------------------------------------------------------------------------


class TestFiling:
    def test_a_resident_files_an_appeal_with_a_photo_and_sees_number_addressee_and_deadline(
        self, author, addressee
    ):
        client = signed_in(author)
        form = client.get(f"{NEW}?to={addressee.slug}")
        assert form.status_code == 200
        html = form.content.decode()
        assert re.search(rf'<option value="{addressee.pk}" selected>', html)
        assert "Let the platform decide (electronic dispatcher)" in html
        # Each kind is explained with its legal deadline.
        assert "Law on Access to Public Information art. 20: within 5 working days" in html

        with time_machine.travel("2026-03-16 10:00 +02:00", tick=False):
            response = client.post(
                NEW, form_data(addressee=addressee.pk, files=[png("lamp.png")]), follow=True
            )
        appeal = Appeal.objects.get()
        assert response.redirect_chain == [(f"/en/appeals/{appeal.pk}/", 302)]
        (message,) = messages_of(response)
        assert appeal.number in message and addressee.name in message
        assert "16 April 2026" in message
        assert appeal.author == author and appeal.addressee == addressee
        stored = Attachment.objects.get(appeal=appeal)
        assert stored.original_name == "lamp.png" and stored.content_type == "image/png"
        # Stored under a random name: nothing about the file or its author in the path.
        assert "lamp" not in stored.file.name

    def test_the_electronic_dispatcher_routes_an_unaddressed_problem_report(self, author):
        district()
        category = CategoryFactory()
        response = signed_in(author).post(
            NEW,
            form_data(
                kind=Kind.PROBLEM_REPORT,
                category=category.pk,
                location_text="двір Соборної, 12",
                is_public="on",
                files=[png()],
                **INSIDE,
            ),
        )
        appeal = Appeal.objects.get()
        assert response.status_code == 302
        assert appeal.addressee is None and appeal.is_public
        assert (appeal.latitude, appeal.longitude) == (INSIDE["latitude"], INSIDE["longitude"])

    def test_a_missing_field_is_marked_beside_it_and_nothing_is_written(self, author, addressee):
        response = signed_in(author).post(NEW, form_data(subject="", addressee=addressee.pk))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="id_subject_error"' in html
        assert re.search(r'<input[^>]*name="subject"[^>]*aria-invalid="true"', html)
        assert re.search(r'name="subject"[^>]*aria-describedby="[^"]*id_subject_error', html)
        assert not Appeal.objects.exists()

    def test_a_service_refusal_stands_beside_its_field(self, author):
        district()
        response = signed_in(author).post(
            NEW, form_data(kind=Kind.PROBLEM_REPORT, category="", **OUTSIDE)
        )
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert "outside the community" in errors["latitude"][0]
        assert 'id="id_latitude_error"' in response.content.decode()
        assert not Appeal.objects.exists()

    def test_a_disguised_file_is_refused_and_nothing_is_stored(self, author, addressee, settings):
        disguised = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200)
        response = signed_in(author).post(
            NEW, form_data(addressee=addressee.pk, files=[png(), disguised])
        )
        assert response.status_code == 200
        assert "not an accepted file" in response.context["form"].errors["files"][0]
        assert not Appeal.objects.exists() and not Attachment.objects.exists()
        media = settings.MEDIA_ROOT
        assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))

    def test_too_many_files_are_refused_by_the_form(self, author, addressee, settings):
        settings.APPEAL_ATTACHMENTS_MAX = 2
        response = signed_in(author).post(
            NEW, form_data(addressee=addressee.pk, files=[png("a.png"), png("b.png"), png()])
        )
        assert "At most 2 files" in response.context["form"].errors["files"][0]
        assert not Appeal.objects.exists()

    def test_an_unknown_co_signer_is_refused_beside_the_field(self, author, addressee):
        response = signed_in(author).post(
            NEW, form_data(addressee=addressee.pk, co_signers="nobody@example.com")
        )
        assert "nobody@example.com" in response.context["form"].errors["co_signers"][0]
        assert not Appeal.objects.exists()

    def test_an_incomplete_profile_is_told_what_is_missing_instead_of_the_form(self, addressee):
        newcomer = UserFactory(postal_address="", patronymic="")
        client = signed_in(newcomer)
        page = client.get(NEW)
        html = page.content.decode()
        assert page.status_code == 200
        assert 'name="subject"' not in html
        assert "Postal address" in html and "Patronymic" in html
        assert 'href="/en/cabinet/profile/"' in html
        client.post(NEW, form_data(addressee=addressee.pk))
        assert not Appeal.objects.exists()

    def test_signed_out_visitors_file_only_an_anonymous_corruption_report(self, addressee):
        client = Client()
        page = client.get(NEW)
        assert 'name="subject"' not in page.content.decode()
        assert "/en/accounts/login/?next=/en/appeals/new/" in page.content.decode()
        # An ordinary appeal posted anyway is not accepted.
        client.post(NEW, form_data(addressee=addressee.pk))
        assert not Appeal.objects.exists()

        url = f"{NEW}?kind=corruption_report"
        assert 'name="subject"' in client.get(url).content.decode()
        response = client.post(url, {"subject": "Хабар", "text": "Вимагали гроші за довідку."})
        report = Appeal.objects.get()
        assert response.status_code == 200
        assert report.number in response.content.decode()
        assert "cannot follow it" in response.content.decode()
        assert (report.kind, report.is_anonymous, report.author) == (
            Kind.CORRUPTION_REPORT,
            True,
            None,
        )

    def test_a_signed_in_anonymous_report_keeps_no_trace_of_who_sent_it(self, author):
        client = signed_in(author)
        response = client.post(
            NEW,
            form_data(kind=Kind.CORRUPTION_REPORT, is_anonymous="on", files=[png()]),
        )
        report = Appeal.objects.get()
        assert response.status_code == 200 and report.number in response.content.decode()
        assert report.author is None and report.author_email == ""
        assert not Event.objects.filter(appeal=report, actor__isnull=False).exists()
        assert not Attachment.objects.filter(appeal=report, uploaded_by__isnull=False).exists()
        assert "appeals_anonymous_number" not in client.session
        assert report.number not in str(dict(client.session.items()))

    def test_a_complaint_about_an_answer_links_the_appeal(self, author, answered):
        client = signed_in(author)
        form = client.get(f"{NEW}?kind=complaint&about={answered.pk}")
        html = form.content.decode()
        assert f'name="complaint_about" value="{answered.pk}"' in html
        assert re.search(r'<option value="complaint" selected>', html)
        client.post(
            NEW, form_data(kind=Kind.COMPLAINT, complaint_about=answered.pk, subject="Скарга")
        )
        complaint = Appeal.objects.get(kind=Kind.COMPLAINT)
        assert complaint.complaint_about == answered

    def test_nobody_complains_about_an_appeal_they_may_not_see(self, answered):
        stranger = signed_in(UserFactory())
        form = stranger.get(f"{NEW}?kind=complaint&about={answered.pk}")
        assert answered.number not in form.content.decode()
        stranger.post(
            NEW, form_data(kind=Kind.COMPLAINT, complaint_about=answered.pk, subject="Скарга")
        )
        assert Appeal.objects.get(kind=Kind.COMPLAINT).complaint_about is None


# --- The list -------------------------------------------------------------------------------


def test_my_appeals_lists_mine_and_invitations_only(author, addressee):
    mine = submit(author, addressee=addressee, subject="Моє звернення")
    submit(UserFactory(), addressee=addressee, subject="Чуже звернення")
    inviter = UserFactory(last_name="Гончар")
    collective = submit(inviter, addressee=addressee, subject="Спільне", co_signers=[author.email])

    assert refused(Client().get("/en/appeals/"))
    response = signed_in(author).get("/en/appeals/")
    html = response.content.decode()
    assert mine.number in html and "Моє звернення" in html
    assert "Чуже звернення" not in html
    assert [s.appeal for s in response.context["invitations"]] == [collective]
    assert "deadline deadline-ok" in html


# --- One appeal -----------------------------------------------------------------------------


def test_the_appeal_page_is_for_its_author_and_staff_go_to_the_back_office(
    people, appeal, operator
):
    url = f"/en/appeals/{appeal.pk}/"
    for who in ("anonymous", "other citizen", "staff without the right"):
        assert refused(people[who].get(url)), who
    response = people["author"].get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert appeal.number in html and appeal.addressee.name in html
    assert str(appeal.deadline_basis()) in html
    assert f"/en/appeals/{appeal.pk}/files/" in html
    # The public timeline only: the routing step is internal.
    assert [e.action for e in response.context["events"]] == ["submitted", "registered"]
    office = signed_in(operator).get(url)
    assert office.status_code == 302 and office["Location"] == f"/en/office/appeals/{appeal.pk}/"


def test_a_file_is_downloaded_only_by_those_who_may_see_the_appeal(people, appeal, operator):
    stored = appeal.attachments.get()
    url = f"/en/appeals/{appeal.pk}/files/{stored.pk}/"
    for who in ("anonymous", "other citizen", "staff without the right"):
        assert refused(people[who].get(url)), who
    for client in (people["author"], signed_in(operator)):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    # A file of another appeal is not reachable through this one.
    other = submit(UserFactory(), files=[png()]).attachments.get()
    assert people["author"].get(f"/en/appeals/{appeal.pk}/files/{other.pk}/").status_code == 404
    # The page links the private download, never the stored file's own name.
    page = people["author"].get(f"/en/appeals/{appeal.pk}/").content.decode()
    assert url in page and stored.file.name not in page
    assert default_storage.exists(stored.file.name)


def test_the_author_rates_the_answer_once(people, answered, operator):
    url = f"/en/appeals/{answered.pk}/rate/"
    scores = {"rating-quality": 5, "rating-speed": 4, "rating-completeness": 5}
    for who in ("anonymous", "other citizen", "staff without the right"):
        assert refused(people[who].post(url, scores)), who
    # Staff who see the appeal still may not rate it for its author.
    signed_in(operator).post(url, scores)
    assert not Rating.objects.exists()

    page = people["author"].get(f"/en/appeals/{answered.pk}/")
    assert page.context["can_rate"]
    assert "<legend>Quality of the answer" in page.content.decode()

    wrong = people["author"].post(url, {**scores, "rating-speed": 9})
    assert wrong.status_code == 200 and "speed" in wrong.context["rate_form"].errors
    assert 'id="id_rating-speed_error"' in wrong.content.decode()
    assert not Rating.objects.exists()

    response = people["author"].post(url, {**scores, "rating-comment": "Дякую"}, follow=True)
    rating = Rating.objects.get()
    assert (rating.quality, rating.speed, rating.completeness, rating.comment) == (5, 4, 5, "Дякую")
    assert messages_of(response) == ["Thank you: your rating is saved."]
    assert not response.context["can_rate"]

    again = people["author"].post(url, scores, follow=True)
    assert messages_of(again) == ["You have already rated this answer."]
    assert Rating.objects.count() == 1


def test_the_author_accepts_the_answer_and_closes_the_appeal(people, answered, operator):
    url = f"/en/appeals/{answered.pk}/close/"
    for who in ("anonymous", "other citizen", "staff without the right"):
        assert refused(people[who].post(url)), who
    answered.refresh_from_db()
    assert answered.state == State.ANSWERED
    assert people["author"].get(url).status_code == 405

    response = people["author"].post(url, follow=True)
    answered.refresh_from_db()
    assert answered.state == State.CLOSED
    assert messages_of(response) == ["The appeal is closed. Thank you."]
    # From the wrong state: a message, nothing changed.
    again = people["author"].post(url, follow=True)
    assert "Only an answered appeal can be closed" in messages_of(again)[0]


def test_the_author_disputes_the_answer_with_a_reason(people, answered):
    url = f"/en/appeals/{answered.pk}/dispute/"
    reason = {"dispute-reason": "Ліхтар досі не світить."}
    for who in ("anonymous", "other citizen", "staff without the right"):
        assert refused(people[who].post(url, reason)), who
    answered.refresh_from_db()
    assert answered.state == State.ANSWERED

    empty = people["author"].post(url, {"dispute-reason": " "})
    assert empty.status_code == 200 and empty.context["dispute_form"].errors["reason"]
    answered.refresh_from_db()
    assert answered.state == State.ANSWERED

    people["author"].post(url, reason)
    answered.refresh_from_db()
    assert answered.state == State.REOPENED
    assert answered.events.filter(action="reopened", comment=reason["dispute-reason"]).exists()


def test_a_late_dispute_is_refused_with_the_reason(people, answered, settings):
    settings.APPEAL_DISPUTE_DAYS = 3  # within the life of the test's session
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        page = people["author"].get(f"/en/appeals/{answered.pk}/")
        assert not page.context["can_dispute"] and page.context["can_complain"]
        response = people["author"].post(
            f"/en/appeals/{answered.pk}/dispute/", {"dispute-reason": "Ні"}, follow=True
        )
    assert "file a complaint about the answer instead" in messages_of(response)[0]
    answered.refresh_from_db()
    assert answered.state == State.ANSWERED


def test_a_co_signer_confirms_from_their_own_account(people, author, addressee):
    co_signer = UserFactory()
    collective = submit(author, addressee=addressee, co_signers=[co_signer.email])
    url = f"/en/appeals/{collective.pk}/sign/"
    for who in ("anonymous", "other citizen", "staff without the right", "author"):
        assert refused(people[who].post(url)), who
    assert not Signer.objects.filter(confirmed_at__isnull=False).exists()

    client = signed_in(co_signer)
    page = client.get(f"/en/appeals/{collective.pk}/")
    assert page.context["can_sign"] and not page.context["can_rate"]
    response = client.post(url, follow=True)
    assert messages_of(response) == ["You have signed the appeal. Thank you."]
    assert Signer.objects.get().confirmed_at is not None
    again = client.post(url, follow=True)
    assert messages_of(again) == ["You have already signed this appeal."]


# --- Around the site ------------------------------------------------------------------------


def test_the_addressee_page_invites_to_write_and_shows_its_figures(addressee, head):
    with time_machine.travel(timezone.now() - timedelta(days=400)):
        submit(addressee=addressee)  # older than a year: not counted
    first, second = submit(addressee=addressee), submit(addressee=addressee)
    submit(kind=Kind.CORRUPTION_REPORT, addressee=addressee)  # confidential: not counted
    services.appeal_answer(appeal_id=first.pk, actor=head, text="Зроблено.")
    services.appeal_rate(appeal_id=first.pk, actor=first.author, quality=5, speed=4, completeness=3)
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(f"/en/directory/{addressee.slug}/")
    html = response.content.decode()
    assert f'href="/en/appeals/new/?to={addressee.slug}"' in html
    statistics = response.context["blocks"][0].context["statistics"]
    assert (statistics.received, statistics.answered, statistics.average_rating) == (2, 1, 4.0)
    assert response.context["blocks"][0].context["on_time_percent"] == 100
    appeal_queries = [q for q in queries.captured_queries if "appeals_appeal" in q["sql"]]
    assert len(appeal_queries) == 2
    assert second.number not in html  # figures only, never an appeal


def test_the_menu_links_my_appeals_and_the_back_office_for_staff(operator):
    assert 'href="/en/appeals/"' not in Client().get("/en/").content.decode()
    resident = signed_in(UserFactory()).get("/en/").content.decode()
    assert 'href="/en/appeals/"' in resident and "/office/appeals/" not in resident
    staff = signed_in(operator).get("/en/").content.decode()
    assert 'href="/en/office/appeals/"' in staff


def test_a_flood_of_appeals_is_refused_with_a_clear_message(settings, author, addressee):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "appeal_submit": "2/h/user",
        "appeal_submit_anonymous": "1/h/ip",
    }
    client = signed_in(author)
    for _ in range(2):
        client.post(NEW, form_data(addressee=addressee.pk))
    response = client.post(NEW, form_data(addressee=addressee.pk))
    assert "Too many appeals in a short time" in response.content.decode()
    assert Appeal.objects.count() == 2

    visitor = Client()
    url = f"{NEW}?kind=corruption_report"
    visitor.post(url, {"subject": "Хабар", "text": "Вимагали гроші."})
    response = visitor.post(url, {"subject": "Хабар", "text": "Вимагали гроші знову."})
    assert "Too many appeals in a short time" in response.content.decode()
    assert Appeal.objects.count() == 3
