"""Who a published post is announced to: every matching subscription's person, once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hromada.accounts.tests.factories import UserFactory
from hromada.directory.tests.factories import AddresseeFactory
from hromada.messaging.models import Message
from hromada.news import fanout, selectors
from hromada.news.models import FanOut
from hromada.news.tests.factories import make_district, make_post, make_tag, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(addressee):
    return make_post(
        addressee=addressee,
        category="notice",
        title="Відключення тепла на Соборній",
        body="Через аварію на тепломережі.",
        district=make_district(),
        tags=["тепло", "аварія"],
    )


def recipients(post) -> dict[int, tuple]:
    return {r.user_id: (r.channels, r.frequency) for r in selectors.post_recipients(post)}


def test_each_kind_of_subscription_matches_or_not(post, addressee):
    other_district = make_district("pivnichnyi", "Північний район")
    matching = [
        subscribe(),  # everything
        subscribe(addressee=addressee),
        subscribe(district=post.district),
        subscribe(tag=make_tag("тепло")),
        subscribe(category="notice"),
        subscribe(query="соборній тепло"),
        subscribe(addressee=addressee, category="notice", tag=make_tag("аварія")),
    ]
    missing = [
        subscribe(addressee=AddresseeFactory()),
        subscribe(district=other_district),
        subscribe(tag=make_tag("вода")),
        subscribe(category="news"),
        subscribe(query="соборній вода"),
        subscribe(addressee=addressee, category="announcement"),
    ]
    found = recipients(post)
    assert set(found) == {s.user_id for s in matching}
    assert not set(found) & {s.user_id for s in missing}


def test_a_post_for_the_whole_community_skips_district_subscriptions(addressee):
    post = make_post(addressee=addressee, district=None)
    everyone = subscribe()
    subscribe(district=make_district())
    assert set(recipients(post)) == {everyone.user_id}


def test_one_person_is_told_once_through_every_chosen_channel(post, addressee):
    person = UserFactory()
    subscribe(person, addressee=addressee, channels=["email"], frequency="daily")
    subscribe(person, tag=make_tag("тепло"), channels=["telegram", "inbox"], frequency="daily")
    subscribe(person, tag=make_tag("вода"), channels=["webpush"], frequency="immediate")
    assert recipients(post) == {person.pk: (("inbox", "email", "telegram"), "daily")}
    subscribe(person, district=post.district, channels=["email"], frequency="immediate")
    assert recipients(post) == {person.pk: (("inbox", "email", "telegram"), "immediate")}


def test_inactive_people_are_not_told(post):
    gone = subscribe(UserFactory(is_active=False))
    assert gone.user_id not in recipients(post)


def test_the_selector_is_one_query_however_many_subscribers(post, addressee):
    for _ in range(30):
        subscribe(addressee=addressee)
    with CaptureQueriesContext(connection) as captured:
        assert len(list(selectors.post_recipients(post, chunk_size=7))) == 30
    # The post's topics, then the stream (in chunks on PostgreSQL's server-side cursor).
    assert len([q for q in captured.captured_queries if "SELECT" in q["sql"]]) <= 2


def test_the_fan_out_records_the_recipients(post, addressee):
    subscribe(addressee=addressee, channels=["inbox", "email"])
    subscribe(tag=make_tag("тепло"), channels=["telegram"], frequency="daily")
    person = UserFactory()
    subscribe(person, addressee=addressee, channels=["email"])
    subscribe(person, category="notice", channels=["webpush"], frequency="daily")
    subscribe(addressee=AddresseeFactory())
    assert fanout.post_fan_out_run(post_id=post.pk) == 3
    record = FanOut.objects.get(post=post)
    assert (record.recipients, record.immediate, record.daily) == (3, 2, 1)
    assert record.channels == {"inbox": 1, "email": 2, "telegram": 1, "webpush": 1}
    # A retried task (or a second publication) announces nothing new.
    subscribe(addressee=addressee)
    assert fanout.post_fan_out_run(post_id=post.pk) == 3
    assert FanOut.objects.get(post=post).recipients == 3


def test_the_fan_out_owes_the_post_through_the_messaging_app(post, addressee):
    reader = UserFactory()
    subscribe(reader, addressee=addressee, channels=["inbox", "email"])
    later = subscribe(tag=make_tag("тепло"), channels=["inbox"], frequency="daily")
    assert fanout.post_fan_out_run(post_id=post.pk) == 2
    message = Message.objects.get(key=f"news.post:{post.pk}")
    assert (message.kind, message.subject, message.url) == (
        "subscription",
        post.title,
        post.get_absolute_url(),
    )
    owed = {(d.user_id, d.channel, d.status) for d in message.deliveries.all()}
    assert owed == {
        (reader.pk, "inbox", "sent"),  # the cabinet's inbox holds it at once
        (reader.pk, "email", "queued"),
        (later.user_id, "inbox", "sent"),
    }
    # A retried task owes nobody twice.
    fanout.post_fan_out_run(post_id=post.pk)
    assert message.deliveries.count() == 3


def test_a_post_unpublished_before_the_task_ran_is_not_announced(addressee):
    post = make_post(addressee=addressee, state="unpublished")
    subscribe()
    assert fanout.post_fan_out_run(post_id=post.pk) == 0
    assert not FanOut.objects.exists()
