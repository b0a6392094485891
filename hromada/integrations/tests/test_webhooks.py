"""Webhooks: recorded on commit of the action, signed with HMAC-SHA256, retried with backoff,
and only public facts sent, checked by a real receiver on loopback."""

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory
from hromada.appeals.models import Kind
from hromada.appeals.services import appeal_not_consider, appeal_submit
from hromada.appeals.tests.factories import INSIDE, CategoryFactory, district
from hromada.equeue.tests.factories import MONDAY, at, book, make_queue
from hromada.integrations import webhooks
from hromada.integrations.models import WebhookDelivery, WebhookEvent
from hromada.integrations.services import webhook_subscribe
from hromada.integrations.tasks import retry_webhook_deliveries
from hromada.integrations.tests.factories import PartnerFactory
from hromada.integrations.tests.peer import Receiver

pytestmark = pytest.mark.django_db
SECRET = "shared-secret-of-the-partner"
ALL = list(WebhookEvent.values)


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_HTTP = True
    with Receiver(SECRET) as server:
        yield server


def subscribe(url, events=ALL, **fields):
    return webhook_subscribe(
        actor=None, partner=PartnerFactory(), url=url, events=events, secret=SECRET, **fields
    )


def problem_report(*, public=True, author=None):
    district("centre")
    author = author or UserFactory(last_name="Таємниченко")
    return appeal_submit(
        actor=author,
        kind=Kind.PROBLEM_REPORT,
        subject="Яма",
        text="Яма на тротуарі",
        category=CategoryFactory(slug="roads"),
        is_public=public,
        **INSIDE,
    )


def send_all() -> list[str]:
    due = WebhookDelivery.objects.filter(state=WebhookDelivery.State.PENDING)
    return [webhooks.deliver(pk) for pk in due.values_list("pk", flat=True)]


def test_a_public_report_is_delivered_signed(receiver, django_capture_on_commit_callbacks):
    subscribe(receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        appeal = problem_report()
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == WebhookEvent.APPEAL_CREATED and delivery.attempts == 0
    # Recorded first, then its sending enqueued for the task worker.
    assert DBTaskResult.objects.filter(
        task_path__endswith="webhook_send", args_kwargs__args=[delivery.pk]
    ).exists()
    assert send_all() == [WebhookDelivery.State.DELIVERED]
    [got] = receiver.received
    assert got["valid"] is True
    assert got["headers"]["X-Hromada-Event"] == "appeal.created"
    assert got["headers"]["X-Hromada-Delivery"] == str(delivery.pk)
    assert got["body"]["event"] == "appeal.created"
    data = got["body"]["data"]
    assert data["service_request_id"] == str(appeal.pk) and data["status"] == "open"
    assert "Таємниченко" not in str(got["body"]) and appeal.author_email not in str(got["body"])
    delivery.refresh_from_db()
    assert delivery.response_status == 200 and delivery.delivered_at is not None
    assert '"signature": true' in delivery.response_excerpt


def test_a_wrong_secret_fails_the_receivers_check(receiver, django_capture_on_commit_callbacks):
    subscription = subscribe(receiver.url)
    subscription.secret = "not-the-shared-one"
    subscription.save()
    with django_capture_on_commit_callbacks(execute=True):
        problem_report()
    send_all()
    assert receiver.received[0]["valid"] is False
    delivery = WebhookDelivery.objects.get()
    assert delivery.response_status == 401 and delivery.state == WebhookDelivery.State.PENDING


def test_private_reports_and_corruption_reports_are_never_sent(
    receiver, django_capture_on_commit_callbacks
):
    subscribe(receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        problem_report(public=False)
        appeal_submit(
            actor=None, kind=Kind.CORRUPTION_REPORT, subject="Хабар", text="…", is_anonymous=True
        )
    assert not WebhookDelivery.objects.exists()


def test_a_rolled_back_action_sends_nothing(receiver, django_capture_on_commit_callbacks):
    subscribe(receiver.url)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        problem_report()
        raise RuntimeError("the rest of the action failed")
    assert not WebhookDelivery.objects.exists()


def test_status_changes_are_sent_to_subscribers_of_that_event(
    receiver, django_capture_on_commit_callbacks
):
    subscribe(receiver.url, events=[WebhookEvent.APPEAL_STATUS_CHANGED])
    appeal = problem_report()
    operator = UserFactory(roles=[Role.OPERATOR])
    with django_capture_on_commit_callbacks(execute=True):
        appeal_not_consider(appeal_id=appeal.pk, actor=operator, reason="repeated")
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == WebhookEvent.APPEAL_STATUS_CHANGED
    send_all()
    data = receiver.received[0]["body"]["data"]
    assert data["status"] == "closed" and data["previous_status"] == "open"
    assert data["state"] == "not_considered"


def test_bookings_are_sent_without_the_residents_data(receiver, django_capture_on_commit_callbacks):
    subscribe(receiver.url, events=[WebhookEvent.BOOKING_CREATED])
    queue = make_queue()
    resident = UserFactory(last_name="Відвідувач", email="visitor@example.com")
    with time_machine.travel(MONDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        booking = book(queue, resident, starts_at=at(1, 10))
    send_all()
    [got] = receiver.received
    assert got["valid"] and got["body"]["event"] == "booking.created"
    data = got["body"]["data"]
    assert data["number"] == booking.number and data["queue"] == queue.slug
    text = str(got["body"])
    assert "Відвідувач" not in text and "visitor@" not in text and booking.code not in text


def test_failures_are_retried_with_backoff_then_given_up(
    receiver, django_capture_on_commit_callbacks
):
    subscribe(receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        problem_report()
    delivery = WebhookDelivery.objects.get()
    receiver.statuses = [503] * 10
    start = timezone.now()
    assert webhooks.deliver(delivery.pk) == WebhookDelivery.State.PENDING
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.response_status == 503
    assert delivery.next_attempt_at - start >= webhooks.BACKOFF[0]
    # Not yet due: nothing is sent again.
    assert webhooks.deliver(delivery.pk) == ""
    assert len(receiver.received) == 1
    moment = start
    for backoff in webhooks.BACKOFF:
        moment += backoff + timedelta(seconds=31)
        with time_machine.travel(moment, tick=False):
            assert retry_webhook_deliveries.call() == 1
            webhooks.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.FAILED
    assert delivery.attempts == len(webhooks.BACKOFF) + 1
    assert len(receiver.received) == len(webhooks.BACKOFF) + 1


def test_a_retry_succeeds(receiver, django_capture_on_commit_callbacks):
    subscribe(receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        problem_report()
    delivery = WebhookDelivery.objects.get()
    receiver.statuses = [500]
    webhooks.deliver(delivery.pk)
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        assert webhooks.deliver(delivery.pk) == WebhookDelivery.State.DELIVERED
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.response_status == 200
    bodies = [r["body"]["id"] for r in receiver.received]
    assert bodies[0] == bodies[1]  # the same event, so the partner can de-duplicate


def test_an_unreachable_receiver_is_recorded(settings, django_capture_on_commit_callbacks):
    settings.WEBHOOKS_ALLOW_HTTP = True
    subscribe("http://127.0.0.1:9/nobody-listens")
    with django_capture_on_commit_callbacks(execute=True):
        problem_report()
    delivery = WebhookDelivery.objects.get()
    webhooks.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.response_status is None and delivery.error and delivery.attempts == 1


def test_plain_http_is_refused_in_production(settings):
    from hromada.core.errors import ValidationFailed

    settings.WEBHOOKS_ALLOW_HTTP = False
    with pytest.raises(ValidationFailed):
        subscribe("http://partner.example/hook")
    with pytest.raises(ValidationFailed):
        subscribe("https://partner.example/hook", events=["everything"])


def test_the_admin_lists_deliveries_with_their_responses(
    settings, receiver, django_capture_on_commit_callbacks
):
    settings.STAFF_MFA_REQUIRED = False
    subscribe(receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        problem_report()
    receiver.statuses = [418]
    send_all()
    client = Client()
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    page = client.get("/admin/integrations/webhookdelivery/")
    assert page.status_code == 200 and "418" in page.content.decode()
    delivery = WebhookDelivery.objects.get()
    detail = client.get(f"/admin/integrations/webhookdelivery/{delivery.pk}/change/")
    assert detail.status_code == 200 and "signature" in detail.content.decode()
