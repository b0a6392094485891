"""Mass mailings: templates with placeholders, recipient lists, scheduling, per-recipient
status, bounces, retries; the back office pages and who may use them."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory, log_in_with_totp
from hromada.core.errors import PermissionDenied, ValidationFailed
from hromada.messaging import mailings
from hromada.messaging.models import (
    Delivery,
    Kind,
    Mailing,
    MailingTemplate,
    Profile,
    Status,
    SuppressedAddress,
)
from hromada.messaging.tests.factories import district as make_district
from hromada.messaging.tests.factories import drain

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return UserFactory(roles=[Role.ADMINISTRATOR])


@pytest.fixture
def template(admin_user):
    return mailings.mailing_template_save(
        actor=admin_user,
        name="Вода",
        subject="{{ first_name }}, відключення води",
        body="Шановна(ий) {{ full_name }}! Завтра не буде води. {{ city }}",
    )


def test_an_unknown_placeholder_is_refused_naming_the_known_ones(admin_user):
    with pytest.raises(ValidationFailed) as refused:
        mailings.mailing_template_save(
            actor=admin_user, name="X", subject="Привіт {{ nickname }}", body="{{ first_name }}"
        )
    message = refused.value.message
    assert "{{ nickname }}" in message and "{{ first_name }}" in message
    assert "{{ full_name }}" in message and "{{ city }}" in message
    assert not MailingTemplate.objects.exists()


def test_a_district_without_residents_is_an_empty_list_and_is_refused(admin_user, template):
    with pytest.raises(ValidationFailed) as refused:
        mailings.mailing_create(
            actor=admin_user,
            title="Вода",
            template_id=template.pk,
            channels=["email"],
            audience=Mailing.Audience.DISTRICT,
            district_id=make_district().pk,
        )
    assert refused.value.code == "empty_audience"
    assert not Mailing.objects.exists()


def test_a_scheduled_mailing_to_an_uploaded_list_goes_out_with_placeholders_and_bounces(
    admin_user, template, smtp
):
    resident = UserFactory(email="oksana@example.com", first_name="Оксана")
    SuppressedAddress.objects.create(address="old@example.com", reason="bounced")
    smtp.sink.refuse["gone@example.com"] = "550 5.1.1 User unknown"
    emails = mailings.emails_from_csv(
        "email,name\noksana@example.com,Оксана\nOther@Example.com,\ngone@example.com,\n"
        "old@example.com,\n".encode()
    )
    assert emails == [
        "oksana@example.com",
        "other@example.com",
        "gone@example.com",
        "old@example.com",
    ]
    later = timezone.now() + timedelta(hours=2)
    mailing = mailings.mailing_create(
        actor=admin_user,
        title="Вода",
        template_id=template.pk,
        channels=["email", "inbox"],
        audience=Mailing.Audience.LIST,
        emails=emails,
        scheduled_at=later,
    )
    assert mailing.recipients_count == 4
    assert mailings.mailings_start_due() == 0  # not yet
    with time_machine.travel(later + timedelta(minutes=1), tick=False):
        assert mailings.mailings_start_due() == 5  # Оксана: inbox and e-mail
        assert mailings.mailings_start_due() == 0
    mailing.refresh_from_db()
    assert mailing.state == Mailing.State.SENT
    assert drain() == {"sent": 2, "failed": 1, "retry": 0, "more": 0}
    sent = {tuple(to): message for to, message in smtp.messages}
    # (A long encoded subject is folded; the parser keeps the fold's space.)
    assert sent[("oksana@example.com",)]["Subject"].strip() == "Оксана, відключення води"
    assert (
        "Шановна(ий) Петренко Оксана Іванівна!"
        in sent[("oksana@example.com",)].get_body(("plain",)).get_content()
    )
    assert sent[("other@example.com",)]["Subject"].strip() == ", відключення води"
    statuses = dict(Delivery.objects.filter(channel="email").values_list("address", "status"))
    assert statuses == {
        "oksana@example.com": Status.SENT,
        "other@example.com": Status.SENT,
        "gone@example.com": Status.FAILED,
        "old@example.com": Status.FAILED,
    }
    assert Delivery.objects.get(address="gone@example.com").reason.startswith("bounced: 550")
    assert Delivery.objects.get(user=resident, channel="inbox").status == Status.SENT
    # Bounced and suppressed addresses are not retried: nothing is left to retry.
    assert mailings.mailing_retry_failed(actor=admin_user, mailing_id=mailing.pk) == 0


def test_failures_a_retry_may_fix_are_queued_again(admin_user, template, settings):
    UserFactory(roles=[Role.OPERATOR])
    mailing = mailings.mailing_create(
        actor=admin_user,
        title="Нарада",
        template_id=template.pk,
        channels=["email"],
        audience=Mailing.Audience.ROLE,
        role=Role.OPERATOR,
    )
    mailings.mailing_start(mailing_id=mailing.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 1, False
    settings.MESSAGING_MAX_ATTEMPTS = 1
    assert drain()["failed"] == 1
    assert mailings.mailing_retry_failed(actor=admin_user, mailing_id=mailing.pk) == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Status.QUEUED, 0)


def test_residents_of_a_district_who_keep_mailings(admin_user, template):
    centre = make_district()
    keeps, declined, elsewhere = UserFactory(), UserFactory(), UserFactory()
    for user in (keeps, declined):
        Profile.objects.create(user=user, district=centre)
    from hromada.messaging.services import preferences_update

    preferences_update(
        user=declined, actor=declined, choices={Kind.MAILING: {"channels": ["inbox"]}}
    )
    mailing = mailings.mailing_create(
        actor=admin_user,
        title="Слухання",
        template_id=template.pk,
        channels=["email"],
        audience=Mailing.Audience.DISTRICT,
        district_id=centre.pk,
    )
    assert mailing.recipients_count == 2
    mailings.mailing_start(mailing_id=mailing.pk)
    assert list(Delivery.objects.values_list("user_id", "channel")) == [(keeps.pk, "email")]
    assert elsewhere.pk not in set(Delivery.objects.values_list("user_id", flat=True))


def test_a_list_with_lines_that_are_not_addresses_is_refused_line_by_line():
    with pytest.raises(ValidationFailed) as refused:
        mailings.emails_from_csv(b"email\na@example.com\nnot an address\nb@@example\n")
    assert "3: not an address" in refused.value.message
    assert "4: b@@example" in refused.value.message


def test_people_without_the_right_cannot_prepare_mailings(template):
    for person in (UserFactory(), UserFactory(roles=[Role.OPERATOR])):
        with pytest.raises(PermissionDenied):
            mailings.mailing_create(
                actor=person,
                title="x",
                template_id=template.pk,
                channels=["email"],
                audience=Mailing.Audience.EVERYONE,
            )
    assert not Mailing.objects.exists()


def _log_in(client, user) -> None:
    client.logout()
    if user.is_staff:
        log_in_with_totp(client, user)
    else:
        client.force_login(user)


def test_the_back_office_pages_for_four_users(client, admin_user, template):
    UserFactory(email="a@example.com")
    new = reverse("messaging:mailing_new")
    data = {
        "title": "Вода",
        "template": template.pk,
        "channels": ["email"],
        "audience": "list",
        "file": SimpleUploadedFile("list.csv", b"a@example.com\nb@example.com\n", "text/csv"),
    }
    assert client.get(new).status_code == 302  # anonymous: sign in first
    for person in (UserFactory(), UserFactory(roles=[Role.OPERATOR])):
        _log_in(client, person)
        assert client.get(new).status_code == 403
        assert client.post(new, data).status_code == 403
    assert not Mailing.objects.exists()
    _log_in(client, admin_user)
    data["file"].seek(0)
    response = client.post(new, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    mailing = Mailing.objects.get()
    assert mailing.emails == ["a@example.com", "b@example.com"]
    mailings.mailing_start(mailing_id=mailing.pk)
    page = client.get(reverse("messaging:mailing", args=[mailing.pk])).content.decode()
    assert "b@example.com" in page and "Вода" in page
    assert client.get(reverse("messaging:mailings")).status_code == 200


def test_an_empty_list_and_a_bad_placeholder_are_refused_on_the_pages_in_ukrainian(
    client, admin_user, template
):
    _log_in(client, admin_user)
    response = client.post(
        reverse("messaging:mailing_new"),
        {
            "template": template.pk,
            "channels": ["email"],
            "audience": "district",
            "district": make_district().pk,
        },
    )
    assert "ні до кого не дійде" in response.content.decode()
    response = client.post(
        reverse("messaging:template_new"),
        {"name": "X", "subject": "{{ nickname }}", "body": "Текст"},
    )
    assert "Невідомий заповнювач" in response.content.decode()
    assert Mailing.objects.count() == 0 and MailingTemplate.objects.count() == 1


def test_the_mailing_page_costs_the_same_queries_for_few_or_many_recipients(
    client, admin_user, template
):
    _log_in(client, admin_user)

    def page_queries(n: int) -> int:
        emails = [f"r{n}-{i}@example.com" for i in range(n)]
        mailing = mailings.mailing_create(
            actor=admin_user,
            title="Q",
            template_id=template.pk,
            channels=["email"],
            audience=Mailing.Audience.LIST,
            emails=emails,
        )
        mailings.mailing_start(mailing_id=mailing.pk)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("messaging:mailing", args=[mailing.pk])).status_code == 200
        return len(queries)

    assert page_queries(2) == page_queries(30)


def test_the_admin_lists_mailings_and_deliveries(client, admin_user, template):
    _log_in(client, admin_user)
    for name in ("mailing", "mailingtemplate", "delivery", "suppressedaddress"):
        response = client.get(reverse(f"admin:messaging_{name}_changelist"))
        assert response.status_code == 200, name
