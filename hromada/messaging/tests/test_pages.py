"""The inbox and the settings in the cabinet, and the same through the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory, log_in_with_totp
from hromada.messaging.models import Delivery, Kind, Preference, Profile
from hromada.messaging.notify import notification_send
from hromada.messaging.tests.factories import district as make_district

pytestmark = pytest.mark.django_db


def tell(user, subject="Ваше звернення розглянуто", url="/cabinet/"):
    rows = notification_send(kind=Kind.APPEAL_STATUS, user_id=user.pk, subject=subject, url=url)
    return next(r for r in rows if r.channel == "inbox")


@pytest.fixture
def others(db):
    """Another citizen, staff without any right over someone's inbox, and an administrator:
    nobody but its owner opens a notification."""
    return [
        UserFactory(),
        UserFactory(roles=[Role.OPERATOR]),
        UserFactory(roles=[Role.ADMINISTRATOR]),
    ]


def test_the_inbox_shows_the_unread_count_and_opening_marks_read(client, citizen):
    first = tell(citizen)
    tell(citizen, subject="Друге")
    client.force_login(citizen)
    page = client.get(reverse("messaging:inbox"))
    html = page.content.decode()
    assert "2 unread notifications" in html or "2 непрочитан" in html
    assert "Ваше звернення розглянуто" in html and "Друге" in html
    opened = client.get(reverse("messaging:open", args=[first.pk]))
    assert opened.status_code == 302 and opened["Location"] == "/cabinet/"
    first.refresh_from_db()
    assert first.opened_at is not None
    client.post(reverse("messaging:read_all"))
    assert not Delivery.objects.filter(channel="inbox", opened_at__isnull=True).exists()


def test_nobody_else_opens_a_notification(client, citizen, others):
    delivery = tell(citizen)
    url = reverse("messaging:open", args=[delivery.pk])
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    for other in others:
        client.logout()
        if other.is_staff:
            log_in_with_totp(client, other)
        else:
            client.force_login(other)
        assert client.get(url).status_code == 404
        assert client.post(f"/api/v1/messaging/inbox/{delivery.pk}/read").status_code == 404
        # Their own "mark all read" touches only their inbox.
        client.post(reverse("messaging:read_all"))
    delivery.refresh_from_db()
    assert delivery.opened_at is None


def test_the_inbox_page_costs_the_same_queries_for_three_or_twenty(client, citizen):
    client.force_login(citizen)
    for n in range(3):
        tell(citizen, subject=f"N{n}")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("messaging:inbox"))
    for n in range(17):
        tell(citizen, subject=f"M{n}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("messaging:inbox"))
    assert len(many) == len(few)


def test_the_settings_page_saves_channels_frequency_quiet_hours_and_district(client, citizen):
    district = make_district()
    client.force_login(citizen)
    assert client.get(reverse("messaging:preferences")).status_code == 200
    data = {
        "appeal_status-channels": ["inbox", "email"],
        "appeal_status-frequency": "immediate",
        "queue-channels": ["email"],
        "queue-frequency": "daily",
        "survey-frequency": "immediate",
        "subscription-channels": ["inbox"],
        "subscription-frequency": "daily",
        "mailing-frequency": "immediate",
        "service-channels": ["email"],
        "service-frequency": "immediate",
        "quiet_from": "22:00",
        "quiet_to": "07:30",
        "district": district.pk,
    }
    response = client.post(reverse("messaging:preferences"), data)
    assert response.status_code == 302
    assert Preference.objects.get(user=citizen, kind=Kind.QUEUE).frequency == "daily"
    assert Preference.objects.get(user=citizen, kind=Kind.SURVEY).channels == []
    profile = Profile.objects.get(user=citizen)
    assert (profile.quiet_from.hour, profile.quiet_to.minute, profile.district) == (
        22,
        30,
        district,
    )


def test_half_given_quiet_hours_are_refused_in_ukrainian_and_nothing_is_saved(client, citizen):
    client.force_login(citizen)
    response = client.post(
        "/cabinet/notifications/settings/",
        {"queue-channels": ["email"], "queue-frequency": "immediate", "quiet_from": "22:00"},
    )
    assert response.status_code == 200
    assert "Вкажіть і початок, і кінець тихих годин" in response.content.decode()
    assert not Profile.objects.exists() and not Preference.objects.exists()


def test_the_api_reads_and_sets_preferences(client, citizen):
    assert client.get("/api/v1/messaging/preferences").status_code == 401
    client.force_login(citizen)
    body = client.get("/api/v1/messaging/preferences").json()
    assert {k["kind"] for k in body["kinds"]} >= {"appeal_status", "queue", "survey"}
    response = client.put(
        "/api/v1/messaging/preferences",
        {
            "kinds": {"survey": {"channels": ["email"], "frequency": "daily"}},
            "quiet_from": "23:00",
            "quiet_to": "07:00",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    survey = next(k for k in response.json()["kinds"] if k["kind"] == "survey")
    assert survey == {
        "kind": "survey",
        "label": survey["label"],
        "channels": ["email"],
        "frequency": "daily",
    }
    bad = client.put(
        "/api/v1/messaging/preferences",
        {"kinds": {"survey": {"channels": ["fax"]}}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"]["field"] == "channels"
    assert Preference.objects.get(user=citizen, kind="survey").channels == ["email"]


def test_the_api_lists_the_inbox(client, citizen):
    delivery = tell(citizen)
    client.force_login(citizen)
    body = client.get("/api/v1/messaging/inbox").json()
    assert body["unread"] == 1
    assert body["items"][0]["id"] == delivery.pk
    assert body["next_cursor"] is None and body["has_more"] is False
    newer = tell(citizen)
    first = client.get("/api/v1/messaging/inbox", {"limit": 1}).json()
    assert [item["id"] for item in first["items"]] == [newer.pk] and first["has_more"]
    rest = client.get("/api/v1/messaging/inbox", {"limit": 1, "cursor": first["next_cursor"]})
    assert [item["id"] for item in rest.json()["items"]] == [delivery.pk]
    read = client.post(f"/api/v1/messaging/inbox/{delivery.pk}/read").json()
    assert read["opened_at"] is not None
