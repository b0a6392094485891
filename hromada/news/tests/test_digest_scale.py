"""What keeps the digest fast over many posts: word search by the full-text index, a topic's
posts by their links' publication time (kept by triggers), and pages read by id."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hromada.news import selectors
from hromada.news.models import Post, PostTag
from hromada.news.search import words_match
from hromada.news.tests.factories import make_post, make_tag

pytestmark = pytest.mark.django_db
ZONE = timezone.get_default_timezone()


def titles(**filters) -> list[str]:
    return [p.title for p in selectors.digest(selectors.DigestFilter(**filters))]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("ремонт", True),  # the start of "ремонту"
        ("РЕМОНТУ", True),
        ("вулиці ремонт", True),
        ("монт", False),  # the middle of a word is not a word
        ("ремонтник", False),
        ("пʼятниці", True),  # another apostrophe, split where the index splits it
        ("п'ят", True),
        ('"ремонт" OR', False),  # operators are words here, and "or" is in no post
        ("*", True),  # no word at all: no narrowing
    ],
)
def test_a_word_finds_the_words_it_begins(query, found):
    make_post(title="Початок ремонту", body="До п’ятниці вулиці закриті.", tags=["дороги"])
    assert (titles(query=query) == ["Початок ремонту"]) is found
    # A saved search checks one post in Python the same way.
    post = Post.objects.get()
    assert words_match(post.search_text, query) is found


def test_a_changed_text_is_searched_as_it_is_now():
    post = make_post(title="Толока в парку")
    assert titles(query="толока") == ["Толока в парку"]
    Post.objects.filter(pk=post.pk).update(search_text="прибирання в сквері")
    assert titles(query="толока") == []
    assert titles(query="сквер") == ["Толока в парку"]
    post.delete()
    assert titles(query="сквер") == []


def test_a_topic_link_carries_the_publication_time_while_the_post_is_published():
    moment = datetime(2026, 3, 2, 10, tzinfo=ZONE)
    post = make_post(title="Нова котельня", tags=["тепло", "бюджет"], published_at=moment)
    assert set(PostTag.objects.values_list("published_at", flat=True)) == {moment}
    Post.objects.filter(pk=post.pk).update(state=Post.State.UNPUBLISHED)
    assert set(PostTag.objects.values_list("published_at", flat=True)) == {None}
    assert titles(tag=make_tag("тепло")) == []
    later = moment + timedelta(days=1)
    Post.objects.filter(pk=post.pk).update(state=Post.State.PUBLISHED, published_at=later)
    assert set(PostTag.objects.values_list("published_at", flat=True)) == {later}
    assert titles(tag=make_tag("тепло")) == ["Нова котельня"]
    draft = make_post(title="Чернетка", tags=["тепло"], state=Post.State.DRAFT)
    assert PostTag.objects.get(post=draft).published_at is None


def test_a_topic_lists_its_posts_newest_first_once_each():
    start = datetime(2026, 3, 1, 9, tzinfo=ZONE)
    for n in range(5):
        make_post(
            title=f"Пост {n}",
            tags=["вода", "тепло"] if n % 2 else ["вода"],
            published_at=start + timedelta(hours=n),
        )
    assert titles(tag=make_tag("вода")) == [f"Пост {n}" for n in (4, 3, 2, 1, 0)]
    assert titles(tag=make_tag("тепло")) == ["Пост 3", "Пост 1"]


def test_pages_are_bounded_and_read_in_a_fixed_number_of_queries(settings):
    for n in range(7):
        make_post(title=f"Новина {n}", tags=["місто"])
    paginator = selectors.CappedPaginator(
        selectors.digest(selectors.DigestFilter(tag=make_tag("місто"))), 2, cap=5
    )
    with CaptureQueriesContext(connection) as queries:
        page = paginator.get_page(99)  # beyond the cap: the last page that is counted
    assert paginator.count == 5 and paginator.is_capped
    assert page.number == 3 and [p.title for p in page] == ["Новина 4"]
    # The count, the page's ids, its rows, their topics and their pictures.
    assert len(queries) == 5
