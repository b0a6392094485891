"""The digest: filters, search, pages, a post's page, its files, and the feeds."""

from datetime import datetime, timedelta

import pytest
from defusedxml import ElementTree
from django.test import Client
from django.utils import timezone

from hromada.accounts.tests.factories import UserFactory
from hromada.directory.tests.factories import AddresseeFactory
from hromada.news import selectors, services
from hromada.news.models import Post
from hromada.news.tests.factories import make_district, make_post, make_tag, pdf, png

pytestmark = pytest.mark.django_db
ZONE = timezone.get_default_timezone()


def titles(**filters) -> list[str]:
    return [p.title for p in selectors.digest(selectors.DigestFilter(**filters))]


@pytest.fixture
def posts(addressee):
    other = AddresseeFactory(slug="zhkh", name="Управління ЖКГ")
    district = make_district()
    return {
        "water": make_post(
            addressee=other,
            category="notice",
            title="Відключення води",
            body="Вода буде відсутня у п’ятницю.",
            district=district,
            tags=["вода"],
            published_at=datetime(2026, 3, 1, 9, tzinfo=ZONE),
        ),
        "cnap": make_post(
            addressee=addressee,
            category="news",
            title="ЦНАП працює в суботу",
            body="Прийом документів з 9:00.",
            tags=["цнап"],
            published_at=datetime(2026, 3, 5, 9, tzinfo=ZONE),
        ),
        "concert": make_post(
            addressee=addressee,
            category="announcement",
            title="Концерт до Дня міста",
            body="Запрошуємо всіх на площу.",
            published_at=datetime(2026, 3, 10, 18, tzinfo=ZONE),
        ),
        "draft": make_post(addressee=addressee, title="Чернетка", state=Post.State.DRAFT),
    }


def test_newest_first_and_only_published(posts):
    assert titles() == ["Концерт до Дня міста", "ЦНАП працює в суботу", "Відключення води"]


def test_every_filter_narrows(posts, addressee):
    assert titles(addressee=addressee) == ["Концерт до Дня міста", "ЦНАП працює в суботу"]
    assert titles(category="notice") == ["Відключення води"]
    assert titles(district=make_district()) == ["Відключення води"]
    assert titles(tag=make_tag("цнап")) == ["ЦНАП працює в суботу"]
    assert titles(date_from=datetime(2026, 3, 5).date()) == [
        "Концерт до Дня міста",
        "ЦНАП працює в суботу",
    ]
    assert titles(date_to=datetime(2026, 3, 5).date()) == [
        "ЦНАП працює в суботу",
        "Відключення води",
    ]
    assert titles(addressee=addressee, category="notice") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ВОДА", ["Відключення води"]),
        ("п'ятницю", ["Відключення води"]),  # typed with ', stored with ’
        ("пʼятницю", ["Відключення води"]),
        ("цнап", ["ЦНАП працює в суботу"]),  # the topic
        ("площу концерт", ["Концерт до Дня міста"]),
        ("концерт вода", []),
    ],
)
def test_search_in_title_text_and_topics(posts, query, expected):
    assert titles(query=query) == expected


def test_the_page_filters_by_codes_and_links_its_feeds(posts, client):
    response = client.get("/news/?addressee=cnap&category=news&q=субот")
    assert response.status_code == 200
    page = response.content.decode()
    assert "ЦНАП працює в суботу" in page and "Концерт" not in page
    assert (
        '<link rel="alternate" type="application/rss+xml" title="City news (RSS)" '
        'href="/news/feed/rss/?addressee=cnap&amp;category=news&amp;q=%D1%81%D1%83%D0%B1%D0%BE%D1%82"'
    ) in page.replace("Новини міста (RSS)", "City news (RSS)")
    assert 'type="application/atom+xml"' in page
    assert "/news/subscribe/?addressee=cnap&amp;category=news&amp;q=" in page


def test_bad_filter_values_are_explained(posts, client):
    response = client.get("/en/news/?addressee=nobody&from=2026-03-10&to=2026-03-01")
    assert response.status_code == 200
    page = response.content.decode()
    assert "No such addressee." in page
    assert "The end of the period is before its start." in page


def test_pages_of_the_digest(addressee, client, settings):
    settings.NEWS_PAGE_SIZE = 2
    for n in range(5):
        make_post(addressee=addressee, title=f"Новина {n}")
    page = client.get("/en/news/?page=3").content.decode()
    assert "Page 3 of 3" in page and "Новина 4" in page


def test_a_post_page_shows_files_only_while_published(addressee, moderator, client):
    post = services.post_create(
        actor=moderator,
        addressee_id=addressee.pk,
        category="news",
        title="Нова зупинка",
        body="Перший абзац.\n\nДругий абзац.",
        images=[png()],
        image_alt="Зупинка на Соборній",
        attachments=[pdf()],
        publish=True,
    )
    image, document = sorted(post.files.all(), key=lambda f: f.kind != "image")
    page = client.get(post.get_absolute_url()).content.decode()
    assert "<p>Другий абзац.</p>" in page
    assert f'src="{image.get_absolute_url()}" alt="Зупинка на Соборній"' in page
    response = client.get(image.get_absolute_url())
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    response = client.get(document.get_absolute_url())
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"

    services.post_unpublish(actor=moderator, post_id=post.pk)
    assert client.get(post.get_absolute_url()).status_code == 404
    assert client.get(image.get_absolute_url()).status_code == 404
    citizen = Client()
    citizen.force_login(UserFactory())
    assert citizen.get(image.get_absolute_url()).status_code == 404
    own = Client()
    own.force_login(moderator)
    assert own.get(post.get_absolute_url()).status_code == 200
    assert own.get(image.get_absolute_url()).status_code == 200


def test_a_file_of_another_post_is_not_served_under_this_one(addressee, moderator, client):
    first = services.post_create(
        actor=moderator,
        addressee_id=addressee.pk,
        category="news",
        title="A",
        body="a",
        images=[png()],
        publish=True,
    )
    second = make_post(addressee=addressee)
    stored = first.files.get()
    assert client.get(f"/news/{second.pk}/files/{stored.pk}/").status_code == 404


def test_rss_and_atom_follow_the_filter(posts, client):
    response = client.get("/news/feed/rss/?category=notice")
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ElementTree.fromstring(response.content)
    items = root.findall("./channel/item")
    assert [item.findtext("title") for item in items] == ["Відключення води"]
    assert items[0].findtext("link").endswith(f"/news/{posts['water'].pk}/")
    assert {c.text for c in items[0].findall("category")} == {"Повідомлення", "вода"}

    response = client.get("/news/feed/atom/?addressee=cnap")
    assert response["Content-Type"].startswith("application/atom+xml")
    atom = ElementTree.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.findtext("a:title", namespaces=ns) for e in atom.findall("a:entry", ns)] == [
        "Концерт до Дня міста",
        "ЦНАП працює в суботу",
    ]
    assert client.get("/news/feed/rss/?district=nowhere").status_code == 404


def test_the_addressee_page_shows_its_latest_posts(posts, addressee, client):
    page = client.get(addressee.get_absolute_url()).content.decode()
    assert "Концерт до Дня міста" in page and "Відключення води" not in page
    assert "/news/subscribe/?addressee=cnap" in page
    quiet = AddresseeFactory()
    page = client.get(quiet.get_absolute_url()).content.decode()
    assert f"/news/subscribe/?addressee={quiet.slug}" in page


def test_published_at_can_be_in_a_day_range_at_midnight(addressee):
    midnight = datetime(2026, 3, 3, 0, 0, tzinfo=ZONE)
    make_post(addressee=addressee, title="Опівночі", published_at=midnight)
    make_post(
        addressee=addressee, title="Перед північчю", published_at=midnight - timedelta(seconds=1)
    )
    assert titles(date_from=midnight.date(), date_to=midnight.date()) == ["Опівночі"]


def test_a_large_digest_is_counted_up_to_the_cap(addressee, client, settings, monkeypatch):
    monkeypatch.setattr(selectors, "DIGEST_COUNT_CAP", 4)
    settings.NEWS_PAGE_SIZE = 2
    for n in range(6):
        make_post(addressee=addressee, title=f"Новина {n}")
    page = client.get("/en/news/").content.decode()
    assert "More than 4 posts" in page and "Page 1 of 2" in page
    body = client.get("/api/v1/news/posts?limit=2").json()
    assert (body["count"], body["count_is_capped"], body["has_more"]) == (4, True, True)
    body = client.get("/api/v1/news/posts?limit=2&addressee=cnap&q=новина 5").json()
    assert (body["count"], body["count_is_capped"]) == (1, False)
