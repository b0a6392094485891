"""Personal notifications through the inbox and e-mail, against a real SMTP server."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hromada.accounts.tests.factories import UserFactory
from hromada.messaging.models import Delivery, Kind, Preference, Status, SuppressedAddress
from hromada.messaging.notify import notification_send
from hromada.messaging.rendering import unsubscribe_token
from hromada.messaging.sending import rate_give_back, rate_take
from hromada.messaging.tests.factories import drain

pytestmark = pytest.mark.django_db


def header(message, name: str) -> str:
    """A header's value without the folding a long line gets."""
    return "".join(str(message[name]).split())


def tell(user, **extra):
    return notification_send(
        kind=extra.pop("kind", Kind.APPEAL_STATUS),
        user_id=user.pk,
        subject=extra.pop("subject", "Your appeal is answered"),
        body=extra.pop("body", "The answer is in your cabinet."),
        url="/appeals/1/",
        source="appeals.appeal:1",
        **extra,
    )


def test_a_notification_lands_in_the_inbox_and_the_mailbox_once(citizen, smtp):
    rows = tell(citizen, key="answered:1")
    assert {(r.channel, r.status) for r in rows} == {
        ("inbox", Status.SENT),
        ("email", Status.QUEUED),
    }
    assert tell(citizen, key="answered:1") == []  # owed once
    assert drain() == {"sent": 1, "failed": 0, "retry": 0, "more": 0}
    assert drain()["sent"] == 0
    [(recipients, message)] = smtp.messages
    assert recipients == [citizen.email]
    assert message["Subject"] == "Your appeal is answered"
    email = Delivery.objects.get(channel="email")
    assert message["Message-ID"] == f"<delivery-{email.pk}@hromada.localhost>"
    unsubscribe = header(message, "List-Unsubscribe")
    assert unsubscribe.startswith("<http://") and "/unsubscribe/" in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "The answer is in your cabinet." in body and "/appeals/1/" in body
    email.refresh_from_db()
    assert email.status == Status.SENT and email.attempts == 1 and email.sent_at


def test_a_bounced_address_is_failed_with_the_reason_and_never_tried_again(citizen, smtp):
    smtp.sink.refuse[citizen.email] = "550 5.1.1 No such mailbox"
    tell(citizen)
    assert drain()["failed"] == 1
    email = Delivery.objects.get(channel="email")
    assert email.status == Status.FAILED
    assert email.reason.startswith("bounced: 550") and "No such mailbox" in email.reason
    assert SuppressedAddress.objects.get(address=citizen.email).reason == "bounced"
    # The next one is failed when written, without troubling the server.
    [_inbox, second] = tell(citizen, subject="Another")
    assert second.status == Status.FAILED and second.reason == "suppressed: bounced"
    assert smtp.messages == []


def test_a_mail_server_that_is_down_is_retried_with_backoff_then_given_up(citizen, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 1, False
    settings.MESSAGING_MAX_ATTEMPTS = 3
    tell(citizen)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert drain() == {"sent": 0, "failed": 0, "retry": 1, "more": 0}
        email = Delivery.objects.get(channel="email")
        assert email.status == Status.QUEUED and email.attempts == 1
        assert email.not_before == start + timedelta(minutes=1)
        assert "ConnectionRefused" in email.reason
        assert drain()["retry"] == 0  # not due yet
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        assert drain()["retry"] == 1
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        assert drain()["failed"] == 1
    email.refresh_from_db()
    assert email.status == Status.FAILED and email.attempts == 3
    assert email.reason.startswith("gave up after 3 attempts")


def test_one_click_unsubscribe_works_without_signing_in(client, citizen, smtp):
    tell(citizen)
    drain()
    [(_to, message)] = smtp.messages
    url = header(message, "List-Unsubscribe").strip("<>").split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{url}")
    assert page.status_code == 200 and b"<form" in page.content
    # What a mail client sends (RFC 8058): a POST with this body, no cookies, no CSRF token.
    done = client.post(f"/{url}", {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    preference = Preference.objects.get(user=citizen, kind=Kind.APPEAL_STATUS)
    assert preference.channels == ["inbox"]
    assert {r.channel for r in tell(citizen, subject="Again")} == {"inbox"}
    # Other kinds still come by e-mail.
    assert "email" in {r.channel for r in tell(citizen, kind=Kind.QUEUE)}


def test_a_damaged_unsubscribe_link_changes_nothing(client, citizen):
    token = unsubscribe_token(kind=Kind.APPEAL_STATUS, user_id=citizen.pk, address="")
    response = client.post(reverse("messaging:unsubscribe", args=[token[:-3] + "abc"]))
    assert response.status_code == 400
    assert "damaged or too old" in response.content.decode()
    assert not Preference.objects.exists()


def test_an_address_without_an_account_unsubscribes_by_address(client, smtp):
    notification_send(kind=Kind.SERVICE, email="Department@Rada.example", subject="Copy")
    drain()
    [(recipients, message)] = smtp.messages
    assert recipients == ["department@rada.example"]
    url = header(message, "List-Unsubscribe").strip("<>").split("://", 1)[1].split("/", 1)[1]
    client.post(f"/{url}", {"List-Unsubscribe": "One-Click"})
    assert SuppressedAddress.objects.filter(
        address="department@rada.example", kind=Kind.SERVICE, reason="unsubscribed"
    ).exists()
    [row] = notification_send(kind=Kind.SERVICE, email="department@rada.example", subject="2")
    assert row.status == Status.FAILED


def test_a_deactivated_account_hears_nothing(citizen):
    citizen.is_active = False
    citizen.save()
    assert tell(citizen) == []


def test_the_rate_limit_of_a_channel_holds_the_rest_for_the_next_second(citizen, smtp, settings):
    settings.MESSAGING_RATE_PER_SECOND = {"email": 2}
    for n in range(5):
        tell(citizen, subject=f"N{n}")
    now = 1_900_000_000
    assert rate_take("email", 5, now_seconds=now) == 2
    assert rate_take("email", 5, now_seconds=now) == 0
    rate_give_back("email", 1, now_seconds=now)  # a batch sent one fewer than it took
    assert rate_take("email", 5, now_seconds=now) == 1
    assert rate_take("email", 5, now_seconds=now + 1) == 2
    # The sender counts per clock second: it stays inside one, however slow the machine.
    with time_machine.travel(timezone.now(), tick=False):
        counts = drain()
    assert counts["sent"] <= 2 and counts["more"] == 1
    assert Delivery.objects.filter(channel="email", status=Status.QUEUED).count() >= 3


def test_the_senders_query_count_does_not_grow_with_the_batch(smtp, settings):
    settings.MESSAGING_RATE_PER_SECOND = {}  # the rate counters' queries are per batch anyway
    users = [UserFactory() for _ in range(6)]
    for user in users[:3]:
        tell(user)
    with CaptureQueriesContext(connection) as three:
        assert drain()["sent"] == 3
    for user in users[3:]:
        tell(user, subject="Second")
        tell(user, subject="Third")
    with CaptureQueriesContext(connection) as six:
        assert drain()["sent"] == 6
    # Per e-mail only its mark: one UPDATE, committed on its own (no transaction around it).
    assert len(six) - len(three) == 3


def test_a_batch_of_emails_goes_over_one_smtp_connection(smtp, settings):
    settings.MESSAGING_RATE_PER_SECOND = {}
    settings.MESSAGING_BATCH = 4
    for user in [UserFactory() for _ in range(6)]:
        tell(user)
    before = smtp.sink.connections  # the controller's own start-up check is one
    assert drain()["sent"] == 6
    assert len(smtp.messages) == 6
    # Two batches (4 + 2): two sessions, not six.
    assert smtp.sink.connections - before == 2


def test_a_connection_dropped_mid_batch_is_opened_again_and_the_email_retried(smtp, settings):
    settings.MESSAGING_RATE_PER_SECOND = {}
    people = [UserFactory() for _ in range(5)]
    for user in people:
        tell(user)
    before = smtp.sink.connections
    smtp.sink.hang_up_at = {3}  # the server goes away at the third MAIL FROM
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert drain() == {"sent": 4, "failed": 0, "retry": 1, "more": 0}
    assert smtp.sink.connections - before == 2
    dropped = Delivery.objects.get(channel="email", status=Status.QUEUED)
    assert dropped.attempts == 1 and dropped.not_before == start + timedelta(minutes=1)
    assert dropped.lease_token == "" and dropped.reason
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        assert drain()["sent"] == 1
    # Each person got the e-mail once.
    assert sorted(r for r, _m in smtp.messages) == sorted([p.email] for p in people)


def test_loading_the_pictures_of_an_email_marks_it_opened_once(client, citizen, smtp):
    tell(citizen, body="Відповідь у кабінеті: https://rada.example/appeals/1/ <b>не HTML</b>")
    drain()
    [(_to, message)] = smtp.messages
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "&lt;b&gt;не HTML&lt;/b&gt;" in html  # the text, escaped
    assert '<a href="https://rada.example/appeals/1/" rel="nofollow">' in html
    pixel = html.split('<img src="', 1)[1].split('"', 1)[0]
    path = "/" + pixel.split("://", 1)[1].split("/", 1)[1]
    # Nothing personal in the address: the delivery's number, signed.
    assert citizen.email.split("@")[0] not in path and citizen.last_name not in path
    email = Delivery.objects.get(channel="email")
    assert email.opened_at is None
    first = timezone.now()
    with time_machine.travel(first, tick=False):
        response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    assert response["Cache-Control"] == "no-store, private"
    assert not response.cookies
    with time_machine.travel(first + timedelta(hours=1), tick=False):
        client.get(path)
    email.refresh_from_db()
    assert email.opened_at == first  # the first opening stays
    # A damaged token gets the same picture and changes nothing.
    Delivery.objects.update(opened_at=None)
    damaged = path.replace(".gif", "x.gif")
    assert client.get(damaged).status_code == 200
    assert Delivery.objects.get(channel="email").opened_at is None


def test_open_tracking_can_be_turned_off(citizen, smtp, settings):
    settings.MESSAGING_EMAIL_OPEN_TRACKING = False
    tell(citizen)
    drain()
    [(_to, message)] = smtp.messages
    assert message.get_content_type() == "text/plain"
