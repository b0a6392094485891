import re
from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from hromada.accounts.tests.factories import UserFactory
from hromada.appeals.models import (
    Appeal,
    Attachment,
    Event,
    JournalCounter,
    Kind,
    RoutingRule,
    State,
)
from hromada.appeals.services import AuthorDetails, appeal_submit
from hromada.appeals.tests.factories import (
    INSIDE,
    OUTSIDE,
    CategoryFactory,
    district,
    owed,
    owed_template,
    pdf,
    png,
    submit,
)
from hromada.core.deadlines import KYIV
from hromada.core.errors import PermissionDenied, ValidationFailed
from hromada.directory.tests.factories import AddresseeFactory

pytestmark = pytest.mark.django_db


def test_an_accepted_appeal_gets_a_number_a_deadline_an_event_and_an_email(
    settings, addressee, head
):
    settings.APPEALS_DEPARTMENT_EMAIL = "zvernennia@rada.example"
    author = UserFactory(last_name="Хоменко")
    received = datetime(2026, 3, 15, 10, 0, tzinfo=KYIV)
    appeal = submit(author, addressee=addressee, received_at=received, files=[png(), pdf()])

    assert appeal.number == "Х-2026-000001"
    assert appeal.state == State.REGISTERED  # direct mode: straight to the addressee
    assert appeal.due_at.astimezone(KYIV).date().isoformat() == "2026-04-15"
    assert appeal.author_name == "Хоменко Оксана Іванівна"
    assert [e.action for e in appeal.events.all()] == ["submitted", "routed", "registered"]
    assert Attachment.objects.filter(appeal=appeal).count() == 2
    owed_to = {owed_template(d): d.address for d in owed()}
    assert owed_to["accepted"] == author.email
    assert owed_to["new_for_addressee"] == head.email
    assert owed_to["department_copy"] == "zvernennia@rada.example"
    # The sending jobs were enqueued in the same transaction as the appeal.
    assert DBTaskResult.objects.filter(task_path__endswith="deliveries_send").count() == 3

    second = submit(UserFactory(last_name="єрмак"), addressee=addressee, received_at=received)
    assert second.number == "Є-2026-000002"


def test_registry_mode_waits_for_the_appeals_department(settings, addressee):
    settings.APPEAL_PROCESSING_MODE = "registry"
    appeal = submit(addressee=addressee)
    assert appeal.state == State.SUBMITTED
    assert appeal.registered_at is None


def test_an_incomplete_profile_is_told_what_is_missing(addressee):
    author = UserFactory(postal_address="")
    with pytest.raises(ValidationFailed) as refused:
        submit(author, addressee=addressee)
    assert refused.value.code == "profile_incomplete"
    assert refused.value.extra["missing"] == ["postal_address"]
    assert not Appeal.objects.exists()


def test_anonymous_visitors_file_only_anonymous_corruption_reports():
    with pytest.raises(PermissionDenied):
        appeal_submit(actor=None, kind=Kind.APPLICATION, subject="s", text="t")
    report = appeal_submit(
        actor=None, kind=Kind.CORRUPTION_REPORT, subject="Хабар", text="Деталі", is_anonymous=True
    )
    assert report.author is None and report.author_name == ""
    assert re.fullmatch(r"КП-\d{4}-000001", report.number)
    assert report.addressee is None


def test_corruption_reports_have_a_journal_of_their_own(addressee):
    """The appeals' numbers stay gapless: they tell nobody how many reports came in."""
    author = UserFactory(last_name="Хоменко")
    received = datetime(2026, 3, 15, 10, 0, tzinfo=KYIV)
    first = submit(author, addressee=addressee, received_at=received)
    report = submit(author, kind=Kind.CORRUPTION_REPORT, received_at=received)
    second = submit(author, addressee=addressee, received_at=received)
    assert report.number == "КП-2026-000001"
    assert [first.number, second.number] == ["Х-2026-000001", "Х-2026-000002"]
    assert sorted(JournalCounter.objects.values_list("journal", "year", "value")) == [
        ("appeals", 2026, 2),
        ("corruption", 2026, 1),
    ]


def test_unaddressed_appeals_are_routed_by_the_most_specific_rule_and_say_why():
    centre = district()
    roads, light = CategoryFactory(), CategoryFactory()
    anywhere = RoutingRule.objects.create(addressee=AddresseeFactory(), priority=1)
    by_category = RoutingRule.objects.create(category=roads, addressee=AddresseeFactory())
    exact = RoutingRule.objects.create(
        category=roads, district=centre, addressee=AddresseeFactory()
    )

    appeal = submit(addressee=None, category=roads, **INSIDE)
    assert (appeal.addressee, appeal.routing_rule, appeal.district) == (
        exact.addressee,
        exact,
        centre,
    )
    assert f"No. {exact.pk}" in appeal.routing_reason
    assert submit(addressee=None, category=roads).routing_rule == by_category
    assert submit(addressee=None, category=light).routing_rule == anywhere
    routed = Event.objects.filter(appeal=appeal, action="routed").get()
    assert routed.payload["rule"] == exact.pk and not routed.is_public

    anywhere.delete()
    triage = submit(addressee=None, category=light)
    assert triage.addressee is None and triage.state == State.SUBMITTED
    assert "appeals department" in triage.routing_reason


def test_a_problem_report_needs_a_point_inside_the_community():
    district()
    category = CategoryFactory()
    base = {"kind": Kind.PROBLEM_REPORT, "category": category, "is_public": True}
    with pytest.raises(ValidationFailed) as refused:
        submit(**base, **OUTSIDE)
    assert refused.value.field == "location"
    with pytest.raises(ValidationFailed):
        submit(**base)
    assert not Appeal.objects.exists()
    report = submit(**base, **INSIDE)
    assert report.is_public and report.district is not None


def test_disguised_and_oversized_files_are_refused_and_nothing_is_written(settings, addressee):
    settings.APPEAL_ATTACHMENT_MAX_BYTES = 1_000
    disguised = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ValidationFailed, match="not an accepted file"):
        submit(addressee=addressee, files=[png(), disguised])
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 2_000)
    with pytest.raises(ValidationFailed, match="too large"):
        submit(addressee=addressee, files=[big])
    assert not Appeal.objects.exists() and not Attachment.objects.exists()


def test_a_failure_after_the_files_were_stored_removes_them(addressee, monkeypatch):
    from hromada.appeals.services import intake as services

    stored = []
    original = services._store_attachments

    def store_then_fail(appeal, files, **kwargs):
        stored.extend(a.file.name for a in original(appeal, files, **kwargs))
        raise ValidationFailed("boom")

    monkeypatch.setattr(services, "_store_attachments", store_then_fail)
    with pytest.raises(ValidationFailed):
        submit(addressee=addressee, files=[png()])
    from django.core.files.storage import default_storage

    assert stored and not any(default_storage.exists(name) for name in stored)
    assert not Appeal.objects.exists()


def test_operators_register_appeals_received_by_phone(operator, addressee):
    details = AuthorDetails(last_name="Бондар", first_name="Іван", phone="+380501112233")
    appeal = appeal_submit(
        actor=operator,
        kind=Kind.APPLICATION,
        subject="Вода",
        text="Немає води",
        channel="phone",
        on_behalf=details,
        addressee=addressee,
    )
    assert appeal.author is None and appeal.registered_by == operator
    assert appeal.channel == "phone" and appeal.number.startswith("Б-")
    assert appeal.state == State.REGISTERED

    citizen = UserFactory()
    with pytest.raises(PermissionDenied):
        appeal_submit(
            actor=citizen,
            kind=Kind.APPLICATION,
            subject="s",
            text="t",
            channel="phone",
            on_behalf=details,
        )
    with pytest.raises(ValidationFailed):
        appeal_submit(
            actor=operator,
            kind=Kind.APPLICATION,
            subject="s",
            text="t",
            channel="phone",
            on_behalf=AuthorDetails(last_name="Бондар", first_name="Іван"),
        )


def test_a_repeated_question_to_the_same_addressee_is_flagged(addressee, head):
    from hromada.appeals.services import appeal_answer

    author = UserFactory()
    first = submit(author, addressee=addressee)
    appeal_answer(appeal_id=first.pk, actor=head, text="Полагодили.")
    again = submit(author, addressee=addressee)
    assert again.repeated_of == first
    other = submit(
        author,
        addressee=addressee,
        subject="Інше",
        text="Зовсім інше питання про вивіз сміття з двору",
    )
    assert other.repeated_of is None


def test_an_urgent_request_for_public_information_is_due_in_48_hours(addressee):
    received = datetime(2026, 5, 8, 17, 0, tzinfo=KYIV)
    with pytest.raises(ValidationFailed):
        submit(kind=Kind.PUBLIC_INFORMATION, is_urgent=True, addressee=addressee)
    appeal = submit(
        kind=Kind.PUBLIC_INFORMATION,
        is_urgent=True,
        urgency_reason="Аварія",
        addressee=addressee,
        received_at=received,
    )
    assert appeal.due_at - received == timedelta(hours=48)


@pytest.mark.django_db(transaction=True)
def test_concurrent_appeals_get_distinct_consecutive_numbers():
    import threading

    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs a server database")
    addressee = AddresseeFactory()
    authors = [UserFactory() for _ in range(6)]
    barrier = threading.Barrier(len(authors))
    numbers, errors = [], []

    def file(author) -> None:
        barrier.wait()
        try:
            numbers.append(submit(author, addressee=addressee).number)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=file, args=(author,)) for author in authors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 7))
