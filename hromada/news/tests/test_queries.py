"""No N+1: every list costs the same number of queries for 2 posts as for 20."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hromada.accounts.tests.factories import UserFactory
from hromada.directory.tests.factories import AddresseeFactory
from hromada.news import services
from hromada.news.tests.factories import make_district, make_post, moderator_of, png, subscribe

pytestmark = pytest.mark.django_db


def queries_for(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured.captured_queries)


def fill(addressee, moderator, count, offset):
    district = make_district()
    for n in range(count):
        other = AddresseeFactory()
        post = services.post_create(
            actor=moderator,
            addressee_id=addressee.pk,
            category="news",
            title=f"Новина {offset + n}",
            body="Текст новини",
            district_id=district.pk,
            tags=[f"тема {offset + n}", "спільна"],
            images=[png()],
            publish=True,
        )
        make_post(addressee=other, tags=["спільна"], district=district)
        subscribe(moderator, addressee=other)
        subscribe(moderator, tag=post.tags.get(name=f"тема {offset + n}"), channels=["email"])


@pytest.mark.parametrize(
    "path",
    [
        "/news/",
        "/news/?q=новина&category=news&tag=спільна&district=tsentralnyi",
        "/news/?addressee=cnap",
        "/news/feed/rss/",
        "/news/feed/atom/?tag=спільна",
        "/api/v1/news/posts?limit=100",
        "/news/subscriptions/",
        "/api/v1/news/subscriptions",
        "/office/news/",
        "/directory/cnap/",
    ],
)
def test_lists_do_not_grow_with_the_posts(addressee, path, settings):
    settings.NEWS_PAGE_SIZE = 100
    moderator = moderator_of(addressee)
    client = Client()
    client.force_login(moderator)
    fill(addressee, moderator, 2, 0)
    few = queries_for(client, path)
    fill(addressee, moderator, 18, 2)
    assert queries_for(client, path) == few


def test_a_post_page_costs_a_fixed_number_of_queries(addressee):
    moderator = moderator_of(addressee)
    post = services.post_create(
        actor=moderator,
        addressee_id=addressee.pk,
        category="news",
        title="Новина",
        body="Текст",
        tags=["a", "b", "c"],
        images=[png(), png()],
        publish=True,
    )
    client = Client()
    client.force_login(UserFactory())
    assert queries_for(client, post.get_absolute_url()) <= 10


@pytest.mark.parametrize(
    "path",
    [
        "/news/feed/rss/?tag=спільна&addressee=cnap&district=tsentralnyi",
        "/news/feed/atom/",
        "/api/v1/news/posts?tag=спільна&addressee=cnap&district=tsentralnyi",
        "/api/v1/news/posts",
    ],
)
def test_feeds_and_the_api_look_up_only_the_codes_given(addressee, path):
    """The page lists every addressee and topic in use for its pickers; the feeds and the API
    have no pickers, so they must not pay for those lists (on PostgreSQL over 100,000 posts
    they cost ~110 ms a request): each code given is looked up by itself."""
    moderator = moderator_of(addressee)
    fill(addressee, moderator, 3, 0)
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(path)
    assert response.status_code == 200, response.content
    listing = [q["sql"] for q in captured.captured_queries if "EXISTS" in q["sql"].upper()]
    assert listing == []
