"""No N+1: the lists and the ticket cost the same number of queries for 2 bookings as for 20."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hromada.accounts.tests.factories import UserFactory
from hromada.equeue import services
from hromada.equeue.tests.factories import MONDAY, add_field, at, book, make_queue, staff_of

pytestmark = pytest.mark.django_db


def queries_for(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    return len(captured.captured_queries)


def fill(queue, citizen, specialist, first, count):
    field = queue.form_fields.first()
    for index in range(first, first + count):
        booking = book(
            queue,
            citizen,
            starts_at=at(index // 8, 9 + index % 8 // 2, 30 * (index % 2)),
            answers={field.key: "x"},
        )
        services.booking_comment(actor=specialist, booking_id=booking.pk, text="Примітка")


@pytest.mark.parametrize(
    "path",
    [
        "/office/queue/?queue={slug}&date=2026-03-02",
        "/office/queue/export.csv?queue={slug}&from=2026-03-01&to=2026-03-31",
        "/api/v1/equeue/desk/{slug}/day?day=2026-03-02",
        "/api/v1/equeue/desk/{slug}/feed",
        "/queue/mine/",
        "/api/v1/equeue/bookings/mine",
        "/queue/{slug}/?service={service}",
        "/api/v1/equeue/queues/{slug}/slots?service={service}",
    ],
)
def test_lists_do_not_grow_with_the_bookings(path, settings):
    settings.STAFF_MFA_REQUIRED = False
    queue = make_queue(active_limit=100, horizon_days=30)
    add_field(queue)
    specialist = staff_of(queue)
    citizen = UserFactory()
    client = Client()
    client.force_login(citizen if "mine" in path or "/queue/{slug}/" in path else specialist)
    path = path.format(slug=queue.slug, service=queue.services.get().pk)
    import time_machine

    with time_machine.travel(MONDAY, tick=False):
        fill(queue, citizen, specialist, 0, 2)
        few = queries_for(client, path)
        fill(queue, citizen, specialist, 2, 8)
        assert queries_for(client, path) == few


def test_the_ticket_page_does_not_grow_with_its_history(settings):
    settings.STAFF_MFA_REQUIRED = False
    queue = make_queue()
    specialist = staff_of(queue)
    booking = book(queue, starts_at=at(1, 10), now=MONDAY)
    client = Client()
    client.force_login(specialist)
    import time_machine

    with time_machine.travel(MONDAY, tick=False):
        services.booking_comment(actor=specialist, booking_id=booking.pk, text="1")
        few = queries_for(client, booking.get_absolute_url())
        for text in "23456789":
            services.booking_comment(actor=specialist, booking_id=booking.pk, text=text)
        assert queries_for(client, booking.get_absolute_url()) == few
