"""Preferences per kind, quiet hours (Kyiv), the daily digest, and the fan-out."""

from datetime import datetime, time

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hromada.accounts.tests.factories import UserFactory
from hromada.core.deadlines import KYIV
from hromada.core.errors import ValidationFailed
from hromada.messaging import services
from hromada.messaging.digest import digests_send
from hromada.messaging.models import Delivery, Kind, Message, Preference, Profile, Status
from hromada.messaging.notify import Recipient, notification_fan_out, notification_send
from hromada.messaging.tests.factories import drain

pytestmark = pytest.mark.django_db
MORNING = datetime(2026, 3, 10, 9, 0, tzinfo=KYIV)


def tell(user, kind=Kind.QUEUE, subject="Reminder", url="/queue/mine/"):
    return notification_send(kind=kind, user_id=user.pk, subject=subject, url=url)


def test_each_kind_goes_through_the_channels_chosen_for_it(citizen):
    services.preferences_update(
        user=citizen,
        actor=citizen,
        choices={
            Kind.QUEUE: {"channels": ["email"], "frequency": "immediate"},
            Kind.SURVEY: {"channels": [], "frequency": "immediate"},
        },
    )
    assert [r.channel for r in tell(citizen)] == ["email"]
    assert tell(citizen, kind=Kind.SURVEY) == []
    # A kind never chosen keeps the defaults: the inbox and e-mail.
    assert {r.channel for r in tell(citizen, kind=Kind.APPEAL_STATUS)} == {"inbox", "email"}


def test_unknown_channels_and_kinds_are_refused_and_nothing_is_saved(citizen):
    with pytest.raises(ValidationFailed, match="Unknown channel: fax"):
        services.preferences_update(
            user=citizen,
            actor=citizen,
            choices={
                Kind.QUEUE: {"channels": ["email"]},
                Kind.SURVEY: {"channels": ["fax"]},
            },
        )
    with pytest.raises(ValidationFailed, match="Unknown kind"):
        services.preferences_update(
            user=citizen, actor=citizen, choices={"gossip": {"channels": ["email"]}}
        )
    assert not Preference.objects.exists()


def test_quiet_hours_hold_a_message_until_they_end_but_not_the_inbox(citizen):
    services.profile_update(
        user=citizen, actor=citizen, quiet_from=time(22), quiet_to=time(8), district_id=None
    )
    with time_machine.travel(datetime(2026, 3, 10, 23, 30, tzinfo=KYIV), tick=False):
        rows = {r.channel: r for r in tell(citizen)}
        assert rows["inbox"].status == Status.SENT
        assert rows["email"].not_before == datetime(2026, 3, 11, 8, 0, tzinfo=KYIV)
        assert drain()["sent"] == 0
    with time_machine.travel(datetime(2026, 3, 11, 8, 1, tzinfo=KYIV), tick=False):
        assert drain()["sent"] == 1
    with time_machine.travel(datetime(2026, 3, 11, 12, 0, tzinfo=KYIV), tick=False):
        assert tell(citizen, subject="Noon")[1].not_before is None


def test_quiet_hours_need_both_ends(citizen):
    with pytest.raises(ValidationFailed, match="both the start and the end"):
        services.profile_update(
            user=citizen, actor=citizen, quiet_from=time(22), quiet_to=None, district_id=None
        )
    assert not Profile.objects.exists()


def test_a_daily_kind_waits_for_the_digest_which_bundles_it_once(citizen):
    services.preferences_update(
        user=citizen,
        actor=citizen,
        choices={Kind.QUEUE: {"channels": ["inbox", "email"], "frequency": "daily"}},
    )
    with time_machine.travel(MORNING, tick=False):
        rows = {r.channel: r for r in tell(citizen, subject="First")}
        tell(citizen, subject="Second")
        assert rows["inbox"].status == Status.SENT  # the inbox is never held
        assert rows["email"].status == Status.HELD
        assert drain()["sent"] == 0
        assert digests_send() == 0  # before the digest hour
    with time_machine.travel(MORNING.replace(hour=18, minute=5), tick=False):
        assert digests_send() == 1
        assert digests_send() == 0
        [digest] = Delivery.objects.filter(message__kind=Kind.DIGEST)
        assert digest.channel == "email" and digest.status == Status.QUEUED
        assert "First" in digest.message.body and "Second" in digest.message.body
        assert "/queue/mine/" in digest.message.body
        assert Delivery.objects.filter(status=Status.DIGESTED, digest=digest).count() == 2
        assert drain()["sent"] == 1


def test_a_fan_out_respects_each_subscriptions_choice_and_runs_once_per_key():
    people = [UserFactory() for _ in range(4)]
    services.preferences_update(
        user=people[1], actor=people[1], choices={Kind.SUBSCRIPTION: {"channels": ["inbox"]}}
    )
    recipients = [
        people[0].pk,  # its own preferences: the defaults
        people[1].pk,  # its own preferences: the inbox only
        Recipient(user_id=people[2].pk, channels=["email"], frequency="daily"),
        Recipient(user_id=people[3].pk, channels=["email"]),
        999_999,  # gone
    ]
    result = notification_fan_out(
        recipients=recipients,
        kind=Kind.SUBSCRIPTION,
        subject="Нова публікація",
        body="Текст",
        url="/news/1/",
        key="news.post:1",
    )
    assert (result.recipients, result.deliveries) == (4, 5)
    rows = {(d.user_id, d.channel): d.status for d in Delivery.objects.all()}
    assert rows == {
        (people[0].pk, "inbox"): Status.SENT,
        (people[0].pk, "email"): Status.QUEUED,
        (people[1].pk, "inbox"): Status.SENT,
        (people[2].pk, "email"): Status.HELD,
        (people[3].pk, "email"): Status.QUEUED,
    }
    again = notification_fan_out(
        recipients=recipients, kind=Kind.SUBSCRIPTION, subject="x", key="news.post:1"
    )
    assert again.message_id == result.message_id
    assert Delivery.objects.count() == 5 and Message.objects.count() == 1


def test_a_fan_out_costs_the_same_queries_for_ten_or_sixty_people():
    def fan_out(n: int, key: str) -> int:
        ids = [UserFactory().pk for _ in range(n)]
        with CaptureQueriesContext(connection) as queries:
            notification_fan_out(
                recipients=ids, kind=Kind.SUBSCRIPTION, subject="S", key=key, batch_size=100
            )
        return len(queries)

    few, many = fan_out(10, "a"), fan_out(60, "b")
    # The same reads and writes per batch; SQLite may cut one large INSERT in two (at most
    # 999 parameters a statement), which is no query per person.
    assert many - few <= (1 if connection.vendor == "sqlite" else 0)
