import io

import pytest

from hromada.accounts import demo as accounts
from hromada.core import demo as core
from hromada.directory import demo as directory
from hromada.news import demo, selectors
from hromada.news.models import Post, Subscription

pytestmark = pytest.mark.django_db


def test_the_demo_news_load_once_with_scheduled_posts_and_subscriptions():
    out = io.StringIO()
    core.load(stdout=out)
    accounts.load(stdout=out)
    directory.load(stdout=out)
    demo.load(stdout=out)
    assert Post.objects.count() == len(demo.POSTS)
    assert Post.objects.filter(state=Post.State.SCHEDULED).count() == 2
    assert Post.objects.filter(district__isnull=False).count() >= 5
    assert set(Post.objects.values_list("category", flat=True)) == {
        "notice",
        "news",
        "announcement",
    }
    assert Subscription.objects.filter(user__email=demo.CITIZEN_EMAIL).count() == 3
    demo.load(stdout=out)
    assert Post.objects.count() == len(demo.POSTS)
    assert Subscription.objects.count() == 3
    water = Post.objects.get(title__startswith="Відключення холодної води")
    people = list(selectors.post_recipients(water))
    assert [(p.channels, p.frequency) for p in people] == [(("inbox", "email"), "immediate")]
