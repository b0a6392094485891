import os
import signal
from datetime import datetime, timedelta
from smtplib import SMTPException

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import F
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hromada.accounts.tests.factories import UserFactory
from hromada.appeals import services
from hromada.appeals.models import Event, State
from hromada.appeals.tasks import (
    close_undisputed_appeals,
    watch_deadlines,
)
from hromada.appeals.tests.factories import owed, owed_template, staff_of, submit
from hromada.appeals.tests.smtp import SMTPServer
from hromada.core.deadlines import KYIV
from hromada.core.models import WorkerHeartbeat
from hromada.core.tasks import requeue_lost_tasks
from hromada.core.tests.test_lost_tasks import _start_worker, _wait_for
from hromada.directory.tests.factories import AddresseeFactory
from hromada.messaging.models import Delivery
from hromada.messaging.tasks import resume_deliveries
from hromada.messaging.tests.factories import drain, send_owed

RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=KYIV)  # due 2 April 2026


@pytest.mark.django_db
def test_an_owed_email_is_sent_once_however_often_its_task_runs(addressee, head):
    author = UserFactory()
    appeal = submit(author, addressee=addressee)
    accepted = owed(appeal, "accepted").get()
    assert send_owed(accepted.pk) is True
    assert send_owed(accepted.pk) is False
    [message] = mail.outbox
    assert message.to == [author.email]
    assert appeal.number in message.subject
    body = message.body
    assert appeal.number in body and str(addressee) in body
    assert "2026" in body and f"/appeals/{appeal.pk}/" in body
    assert message.extra_headers["Message-ID"].startswith(f"<delivery-{accepted.pk}@")
    accepted.refresh_from_db()
    assert accepted.sent_at is not None and accepted.attempts == 1


@pytest.mark.django_db
def test_every_notification_template_renders(addressee, head, operator, settings):
    settings.APPEALS_DEPARTMENT_EMAIL = "zvernennia@rada.example"
    author, neighbour = UserFactory(), UserFactory()
    parent = AddresseeFactory()
    addressee.parent = parent
    addressee.save()
    staff_of(parent, responsible=True)
    with time_machine.travel(RECEIVED):
        appeal = submit(author, addressee=addressee, co_signers=[neighbour.email])
        services.appeal_extend(appeal_id=appeal.pk, actor=head, reason="Експертиза")
        services.appeal_answer(appeal_id=appeal.pk, actor=head, text="Відповідь")
        services.appeal_rate(
            appeal_id=appeal.pk,
            actor=author,
            quality=1,
            speed=1,
            completeness=1,
            comment="Погано",
            dispute=True,
        )
        other = submit(author, addressee=addressee)
        services.appeal_mark_duplicate(appeal_id=other.pk, actor=operator, original_id=appeal.pk)
    with time_machine.travel(datetime(2026, 4, 30, 12, tzinfo=KYIV)):
        watch_deadlines.call()
    for notification in owed():
        sent = send_owed(notification.pk)
        notification.refresh_from_db()
        assert sent, (notification.status, notification.reason)
    templates = {owed_template(d) for d in owed()}
    assert {
        "accepted",
        "sign_request",
        "extended",
        "answered",
        "low_rating",
        "reopened",
        "duplicate",
        "overdue",
        "escalated",
        "department_copy",
        "new_for_addressee",
    } <= templates
    for message in mail.outbox:
        assert "{%" not in message.body and "{{" not in message.body
        assert message.subject.strip()


@pytest.mark.django_db
def test_reminders_come_on_their_days_and_overdue_appeals_are_escalated_once(addressee, head):
    parent = AddresseeFactory()
    addressee.parent = parent
    addressee.save()
    chief = staff_of(parent, responsible=True)
    executor = staff_of(addressee)
    with time_machine.travel(RECEIVED):
        appeal = submit(addressee=addressee)
        services.appeal_assign(appeal_id=appeal.pk, actor=head, executor=executor)

    def reminders():
        return set(owed(template="reminder").values_list("address", flat=True))

    with time_machine.travel(datetime(2026, 3, 28, 8, tzinfo=KYIV)):
        assert watch_deadlines.call() == {"reminded": 0, "overdue": 0}
    with time_machine.travel(datetime(2026, 3, 30, 8, tzinfo=KYIV)):  # 3 days before
        assert watch_deadlines.call() == {"reminded": 1, "overdue": 0}
        assert watch_deadlines.call() == {"reminded": 0, "overdue": 0}  # once a day
    assert reminders() == {head.email, executor.email}
    with time_machine.travel(datetime(2026, 4, 3, 0, 30, tzinfo=KYIV)):
        assert watch_deadlines.call() == {"reminded": 0, "overdue": 1}
        assert watch_deadlines.call() == {"reminded": 0, "overdue": 0}
    appeal.refresh_from_db()
    assert appeal.is_overdue
    escalated = owed(template="escalated").get()
    assert escalated.address == chief.email
    actions = list(appeal.events.values_list("action", flat=True))
    assert actions.count("overdue") == 1 and actions.count("escalated") == 1
    # Answering late keeps the mark; the statistics count it as not on time.
    services.appeal_answer(appeal_id=appeal.pk, actor=executor, text="Пізно, але зроблено")
    appeal.refresh_from_db()
    assert appeal.is_overdue and appeal.state == State.ANSWERED


@pytest.mark.django_db
def test_an_undisputed_answer_closes_by_itself(addressee, head, settings):
    settings.APPEAL_AUTO_CLOSE_DAYS = 30
    with time_machine.travel(RECEIVED):
        appeal = submit(addressee=addressee)
        services.appeal_answer(appeal_id=appeal.pk, actor=head, text="Так")
    with time_machine.travel(RECEIVED + timedelta(days=29)):
        assert close_undisputed_appeals.call() == 0
    with time_machine.travel(RECEIVED + timedelta(days=31)):
        assert close_undisputed_appeals.call() == 1
    appeal.refresh_from_db()
    assert appeal.state == State.CLOSED
    assert appeal.events.get(action="closed").actor is None


@pytest.mark.django_db
def test_unsent_notifications_are_tried_again(addressee):
    appeal = submit(addressee=addressee)
    DBTaskResult.objects.all().delete()  # as if the sending jobs failed and were pruned
    assert resume_deliveries.call()["email"] == 1
    assert DBTaskResult.objects.filter(task_path__endswith="deliveries_send").count() == 1
    assert drain()["sent"] == owed(appeal).count() > 0


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_sending_does_not_lose_the_email_nor_send_it_twice(
    tmp_path, monkeypatch
):
    """The appeal, its event and its e-mail job are one transaction; the first worker dies
    in the middle of the SMTP conversation, the second one delivers the e-mail, once."""
    with SMTPServer() as smtp:
        smtp.gate.clear()
        monkeypatch.setenv("EMAIL_HOST", "127.0.0.1")
        monkeypatch.setenv("EMAIL_PORT", str(smtp.port))
        monkeypatch.setenv("EMAIL_USE_TLS", "0")
        author = UserFactory()
        appeal = submit(author, addressee=AddresseeFactory())
        [accepted] = owed(appeal)
        [job] = DBTaskResult.objects.filter(task_path__endswith="deliveries_send")

        first = _start_worker(tmp_path)
        second = None
        try:
            assert smtp.waiting.wait(30), "the first worker never reached the mail server"
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
            job.refresh_from_db()
            assert job.status == TaskResultStatus.RUNNING
            two_minutes = timedelta(minutes=2)
            WorkerHeartbeat.objects.update(last_seen_at=F("last_seen_at") - two_minutes)
            DBTaskResult.objects.filter(pk=job.pk).update(started_at=F("started_at") - two_minutes)
            # The e-mail's lease runs out with them.
            Delivery.objects.filter(pk=accepted.pk).update(
                lease_until=F("lease_until") - two_minutes
            )
            assert requeue_lost_tasks.call()["requeued"] == 1

            smtp.gate.set()
            second = _start_worker(tmp_path)
            _wait_for(
                lambda: DBTaskResult.objects.get(pk=job.pk).status == TaskResultStatus.SUCCESSFUL,
                "the second worker to send the e-mail",
            )
        finally:
            for process in (first, second):
                if process is not None and process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=15)
    [(recipients, message)] = smtp.messages
    assert recipients == [author.email]
    assert appeal.number in message["Subject"]
    assert message["Message-ID"] == f"<delivery-{accepted.pk}@hromada.localhost>"
    accepted.refresh_from_db()
    assert accepted.sent_at is not None
    assert Event.objects.filter(appeal=appeal, action="submitted").count() == 1


@pytest.mark.django_db
def test_a_failing_mail_server_uses_up_the_attempts(addressee, settings):
    appeal = submit(addressee=addressee)
    accepted = owed(appeal, "accepted").get()
    settings.EMAIL_BACKEND = "hromada.appeals.tests.test_tasks.BrokenBackend"
    settings.MESSAGING_MAX_ATTEMPTS = 2
    start = datetime.now(tz=KYIV)
    for attempt, status in ((1, "queued"), (2, "failed")):
        with time_machine.travel(start + timedelta(hours=attempt), tick=False):
            assert not send_owed(accepted.pk)
        accepted.refresh_from_db()
        assert (accepted.attempts, accepted.sent_at, accepted.status) == (attempt, None, status)
        assert "mail server down" in accepted.reason
    assert mail.outbox == []


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise SMTPException("mail server down")


@pytest.mark.django_db
def test_corruption_reports_are_mailed_to_the_officers_only(settings):
    from hromada.accounts.roles import Role

    settings.APPEALS_DEPARTMENT_EMAIL = "zvernennia@rada.example"
    officer = UserFactory(roles=[Role.ANTICORRUPTION])
    addressee = AddresseeFactory()
    staff_of(addressee, responsible=True)
    with time_machine.travel(RECEIVED):
        submit(kind="corruption_report", addressee=addressee)
    with time_machine.travel(datetime(2026, 4, 30, 12, tzinfo=KYIV)):
        watch_deadlines.call()
    staff_mail = set(
        owed().exclude(message__template="appeals.accepted").values_list("address", flat=True)
    )
    assert staff_mail == {officer.email}
    assert owed(template="escalated", address=officer.email).exists()
