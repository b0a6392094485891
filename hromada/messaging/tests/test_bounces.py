"""Late bounces: RFC 3464 reports, built with the email package as a mail server builds them,
read from stdin (a Postfix pipe) or a Maildir by ``manage.py read_bounce``."""

import io
import mailbox
import sys
from email.message import Message
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest
from django.core.management import call_command

from hromada.messaging.models import Delivery, Kind, Status, SuppressedAddress
from hromada.messaging.notify import notification_send
from hromada.messaging.tests.factories import drain

pytestmark = pytest.mark.django_db


def dsn(original, *, recipient: str, action="failed", status="5.1.1", whole=False) -> bytes:
    """A delivery status notification about ``original`` (an e-mail the sink received)."""
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"] = "MAILER-DAEMON@mx.residents.example (Mail Delivery System)"
    report["To"] = "noreply@hromada.localhost"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report.attach(MIMEText("I'm sorry to have to inform you that your message could not\n"))
    per_message = Message()
    per_message["Reporting-MTA"] = "dns; mx.residents.example"
    per_message["Arrival-Date"] = "Sat, 5 Dec 2026 12:00:00 +0200"
    per_recipient = Message()
    per_recipient["Final-Recipient"] = f"rfc822; {recipient}"
    per_recipient["Original-Recipient"] = f"rfc822;{recipient}"
    per_recipient["Action"] = action
    per_recipient["Status"] = status
    per_recipient["Remote-MTA"] = "dns; mailbox.residents.example"
    per_recipient["Diagnostic-Code"] = "smtp; 550 5.1.1 <user>: Recipient address rejected"
    status_part = Message()
    status_part.set_type("message/delivery-status")
    status_part.set_payload([per_message, per_recipient])
    report.attach(status_part)
    if whole:
        report.attach(MIMEMessage(original))
    else:
        headers = "".join(f"{k}: {v}\n" for k, v in original.items())
        report.attach(MIMEText(headers, "rfc822-headers"))
    return report.as_bytes()


def read_bounce(raw: bytes, monkeypatch) -> str:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("read_bounce", stdout=out)
    return out.getvalue()


@pytest.fixture
def sent(citizen, smtp):
    """An e-mail the server accepted and the sender marked sent."""
    notification_send(kind=Kind.APPEAL_STATUS, user_id=citizen.pk, subject="Відповідь")
    assert drain()["sent"] == 1
    [(_to, original)] = smtp.messages
    return Delivery.objects.get(channel="email"), original


def test_a_late_bounce_fails_the_delivery_and_the_address(sent, citizen, monkeypatch):
    delivery, original = sent
    raw = dsn(original, recipient=citizen.email.upper())
    assert "1 deliveries marked bounced" in read_bounce(raw, monkeypatch)
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED and delivery.failed_at
    assert delivery.reason.startswith("bounced later: 5.1.1 550 5.1.1")
    suppressed = SuppressedAddress.objects.get(address=citizen.email)
    assert suppressed.reason == SuppressedAddress.Reason.BOUNCED and suppressed.kind == ""
    # The next e-mail to it is failed when written; the inbox still gets it.
    rows = notification_send(kind=Kind.QUEUE, user_id=citizen.pk, subject="Нагадування")
    email = next(r for r in rows if r.channel == "email")
    assert email.status == Status.FAILED
    # The same report again changes nothing.
    assert "0 deliveries" in read_bounce(raw, monkeypatch)


@pytest.mark.parametrize(
    ("action", "status"), [("delayed", "4.4.1"), ("delivered", "2.0.0"), ("failed", "4.2.2")]
)
def test_a_delay_or_a_temporary_failure_changes_nothing(sent, citizen, monkeypatch, action, status):
    delivery, original = sent
    raw = dsn(original, recipient=citizen.email, action=action, status=status)
    assert "0 deliveries" in read_bounce(raw, monkeypatch)
    delivery.refresh_from_db()
    assert delivery.status == Status.SENT
    assert not SuppressedAddress.objects.exists()


def test_a_report_naming_another_address_changes_nothing(sent, monkeypatch):
    delivery, original = sent
    raw = dsn(original, recipient="someone.else@residents.example")
    assert "0 deliveries" in read_bounce(raw, monkeypatch)
    delivery.refresh_from_db()
    assert delivery.status == Status.SENT
    assert not SuppressedAddress.objects.exists()


def test_mail_that_is_no_bounce_is_read_and_ignored(sent, monkeypatch):
    auto_reply = MIMEText("Я у відпустці до понеділка.", _charset="utf-8")
    auto_reply["Subject"] = "Автовідповідь"
    auto_reply["In-Reply-To"] = sent[1]["Message-ID"]
    assert "0 deliveries" in read_bounce(auto_reply.as_bytes(), monkeypatch)
    assert "0 deliveries" in read_bounce(b"not a message at all", monkeypatch)
    assert Delivery.objects.get(channel="email").status == Status.SENT


def test_a_maildir_is_read_once_with_the_whole_original_returned(sent, citizen, tmp_path):
    delivery, original = sent
    folder = mailbox.Maildir(tmp_path / "bounces", create=True)
    folder.add(dsn(original, recipient=citizen.email, whole=True))
    folder.add(b"Subject: hello\n\nnot a bounce\n")
    out = io.StringIO()
    call_command("read_bounce", maildir=str(tmp_path / "bounces"), stdout=out)
    assert "1 deliveries marked bounced" in out.getvalue()
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED
    assert {m.get_subdir() for m in folder} == {"cur"}
    # Read already: a second run finds nothing new.
    Delivery.objects.filter(pk=delivery.pk).update(status=Status.SENT)
    out = io.StringIO()
    call_command("read_bounce", maildir=str(tmp_path / "bounces"), stdout=out)
    assert "0 deliveries" in out.getvalue()
