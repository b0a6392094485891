"""The queue's API: public slots, booking with precise errors, cancelling, moving, the desk."""

import json

import pytest
from django.test import Client

from hromada.equeue.models import Booking, State
from hromada.equeue.tests.factories import add_field, at, book, staff_of

pytestmark = pytest.mark.django_db


def post(client, path, body=None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def api(citizen):
    client = Client()
    client.force_login(citizen)
    return client


def test_queues_and_slots_are_public(queue, monday):
    client = Client()
    queues = client.get("/api/v1/equeue/queues").json()
    assert [q["slug"] for q in queues] == [queue.slug]
    service = queue.services.get()
    days = client.get(
        f"/api/v1/equeue/queues/{queue.slug}/slots?service={service.pk}&days=2"
    ).json()
    assert [d["date"] for d in days] == ["2026-03-02", "2026-03-03"]
    assert days[0]["starts"][0] == "2026-03-02T09:00:00+02:00"
    missing = client.get(f"/api/v1/equeue/queues/{queue.slug}/slots?service=999")
    assert missing.status_code == 422 and missing.json()["error"]["details"]["field"] == "service"
    assert client.get("/api/v1/equeue/queues/nope").json()["error"]["code"] == "not_found"


def test_booking_and_its_errors(queue, api, monday):
    field = add_field(queue, is_required=True)
    body = {
        "queue": queue.slug,
        "service": queue.services.get().pk,
        "starts_at": "2026-03-02T10:00:00+02:00",
        "answers": {field.key: "Довідка"},
    }
    created = post(api, "/api/v1/equeue/bookings", body)
    assert created.status_code == 201, created.content
    ticket = created.json()
    assert ticket["number"] == "А-001" and ticket["state"] == "booked"
    taken = post(Client(), "/api/v1/equeue/bookings", body)
    assert taken.status_code == 401
    other = Client()
    other.force_login(book(queue, starts_at=at(0, 15), answers={field.key: "x"}).citizen)
    refused = post(other, "/api/v1/equeue/bookings", body).json()["error"]
    assert refused["code"] == "slot_taken"
    assert refused["details"]["free_slots"][0].startswith("2026-03-02T09:00")
    past = post(api, "/api/v1/equeue/bookings", {**body, "starts_at": "2026-03-01T10:00:00+02:00"})
    assert past.status_code == 422 and past.json()["error"]["code"] == "slot_in_past"
    limit = post(api, "/api/v1/equeue/bookings", {**body, "starts_at": "2026-03-03T10:00:00+02:00"})
    assert limit.json()["error"]["code"] == "over_limit"
    unknown = post(api, "/api/v1/equeue/bookings", {**body, "extra": 1})
    assert unknown.status_code == 422
    assert Booking.objects.count() == 2
    mine = api.get("/api/v1/equeue/bookings/mine").json()
    assert [b["number"] for b in mine["items"]] == ["А-001"]
    assert mine["next_cursor"] is None and mine["has_more"] is False


def test_cancel_move_and_the_desk(queue, citizen, api, monday, settings):
    settings.STAFF_MFA_REQUIRED = False  # the second factor is tested in accounts
    booking = book(queue, citizen, starts_at=at(1, 10))
    base = f"/api/v1/equeue/bookings/{booking.code}"
    moved = post(api, f"{base}/move", {"starts_at": "2026-03-03T11:00:00+02:00"}).json()
    assert moved["starts_at"] == "2026-03-03T11:00:00+02:00"
    assert post(api, f"{base}/arrive").status_code == 403
    specialist = staff_of(queue)
    desk = Client()
    desk.force_login(specialist)
    day = desk.get(f"/api/v1/equeue/desk/{queue.slug}/day?day=2026-03-03").json()
    assert [b["number"] for b in day] == ["А-001"]
    assert api.get(f"/api/v1/equeue/desk/{queue.slug}/day").status_code == 403
    assert post(desk, f"{base}/comment", {"text": "Принести паспорт"}).status_code == 200
    assert post(desk, f"{base}/dance").status_code == 404
    cancelled = post(api, f"{base}/cancel", {"reason": "Не зможу"}).json()
    assert cancelled["state"] == State.CANCELLED
    again = post(api, f"{base}/cancel")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"


def test_the_feed_gives_every_change_once_after_its_cursor(queue, settings):
    settings.STAFF_MFA_REQUIRED = False
    first = book(queue, starts_at=at(0, 11))
    book(queue, starts_at=at(0, 12))
    client = Client()
    client.force_login(staff_of(queue))
    url = f"/api/v1/equeue/desk/{queue.slug}/feed"
    page = client.get(f"{url}?limit=1").json()
    assert [b["number"] for b in page["items"]] == ["А-001"] and page["has_more"]
    page = client.get(url, {"cursor": page["next_cursor"]}).json()
    assert [b["number"] for b in page["items"]] == ["А-002"] and not page["has_more"]
    cursor = page["next_cursor"]
    assert client.get(url, {"cursor": cursor}).json()["items"] == []
    from hromada.equeue import services
    from hromada.equeue.tests.factories import MONDAY

    services.booking_cancel(actor=first.citizen, booking_id=first.pk, now=MONDAY)
    changed = client.get(url, {"cursor": cursor}).json()["items"]
    assert [(b["number"], b["state"]) for b in changed] == [("А-001", "cancelled")]
    assert client.get(url, {"cursor": "nonsense"}).status_code == 422
