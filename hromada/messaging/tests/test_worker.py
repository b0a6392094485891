"""A real worker process killed in the middle of an SMTP conversation: the e-mail is neither
lost nor sent twice."""

import os
import signal
from datetime import timedelta

import pytest
from django.db.models import F
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hromada.accounts.tests.factories import UserFactory
from hromada.appeals.tests.smtp import SMTPServer as GatedSMTPServer
from hromada.core.models import WorkerHeartbeat
from hromada.core.tasks import requeue_lost_tasks
from hromada.core.tests.test_lost_tasks import _start_worker, _wait_for
from hromada.messaging.models import Delivery, Kind, Status
from hromada.messaging.notify import notification_fan_out, notification_send
from hromada.messaging.tasks import resume_deliveries


def _point_workers_at(monkeypatch, smtp) -> None:
    monkeypatch.setenv("EMAIL_HOST", "127.0.0.1")
    monkeypatch.setenv("EMAIL_PORT", str(smtp.port))
    monkeypatch.setenv("EMAIL_USE_TLS", "0")


def _stop(*processes) -> None:
    for process in processes:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_leaves_the_email_to_another_which_sends_it_once(
    tmp_path, monkeypatch
):
    with GatedSMTPServer() as smtp:
        smtp.gate.clear()
        _point_workers_at(monkeypatch, smtp)
        citizen = UserFactory()
        [_inbox, email] = notification_send(
            kind=Kind.APPEAL_STATUS, user_id=citizen.pk, subject="Відповідь готова"
        )
        [job] = DBTaskResult.objects.filter(task_path__endswith="deliveries_send")

        first = _start_worker(tmp_path)
        second = None
        try:
            assert smtp.waiting.wait(30), "the first worker never reached the mail server"
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
            email.refresh_from_db()
            assert (email.status, email.attempts) == (Status.QUEUED, 1)
            assert email.lease_until is not None  # leased to the dead worker
            assert resume_deliveries.call()["given_up"] == 0

            # Two minutes pass: the task goes back to the queue and the lease runs out.
            two_minutes = timedelta(minutes=2)
            WorkerHeartbeat.objects.update(last_seen_at=F("last_seen_at") - two_minutes)
            DBTaskResult.objects.filter(pk=job.pk).update(started_at=F("started_at") - two_minutes)
            Delivery.objects.filter(pk=email.pk).update(lease_until=F("lease_until") - two_minutes)
            assert requeue_lost_tasks.call()["requeued"] == 1

            smtp.gate.set()
            second = _start_worker(tmp_path)
            _wait_for(
                lambda: Delivery.objects.get(pk=email.pk).status == Status.SENT,
                "the second worker to send the e-mail",
            )
        finally:
            _stop(first, second)
    [(recipients, message)] = smtp.messages
    assert recipients == [citizen.email]
    assert message["Message-ID"] == f"<delivery-{email.pk}@hromada.localhost>"
    email.refresh_from_db()
    assert email.attempts == 2 and email.sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_fan_out_is_sent_by_the_real_worker_path(tmp_path, monkeypatch):
    with GatedSMTPServer() as smtp:
        _point_workers_at(monkeypatch, smtp)
        people = [UserFactory() for _ in range(12)]
        notification_fan_out(
            recipients=[p.pk for p in people],
            kind=Kind.SUBSCRIPTION,
            subject="Нова публікація",
            body="Текст",
            key="news.post:7",
        )
        # One sender per channel and parallel share; they split the rows, never share one.
        assert DBTaskResult.objects.filter(task_path__endswith="deliveries_send").count() == 4
        worker = _start_worker(tmp_path)
        try:
            _wait_for(
                lambda: (
                    not DBTaskResult.objects.filter(
                        task_path__endswith="deliveries_send",
                        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
                    ).exists()
                ),
                "the worker to send the fan-out",
            )
        finally:
            _stop(worker)
    assert sorted(r[0] for r, _m in smtp.messages) == sorted(p.email for p in people)
    assert Delivery.objects.filter(channel="email", status=Status.SENT).count() == 12
    assert (
        DBTaskResult.objects.filter(task_path__endswith="deliveries_send")
        .exclude(status=TaskResultStatus.SUCCESSFUL)
        .count()
        == 0
    )
