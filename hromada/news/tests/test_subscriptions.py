"""Subscribing from the digest and an addressee's page, managing them in the cabinet, and the
same through the API."""

import pytest
from django.test import Client

from hromada.accounts.tests.factories import UserFactory
from hromada.core.errors import Conflict, ValidationFailed
from hromada.news import services
from hromada.news.models import Subscription
from hromada.news.tests.factories import make_district, make_post, make_tag, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(db):
    return UserFactory()


@pytest.fixture
def client(citizen):
    client = Client()
    client.force_login(citizen)
    return client


def test_subscribing_to_the_digest_filter_as_it_stands(addressee, citizen, client):
    make_post(addressee=addressee, tags=["тепло"], district=make_district())
    query = (
        "addressee=cnap&category=notice&district=tsentralnyi&tag=тепло&q=Пʼятниця&from=2026-01-01"
    )
    page = client.get(f"/en/news/subscribe/?{query}").content.decode()
    assert "the dates of the filter are not part of it" in page
    response = client.post(
        f"/en/news/subscribe/?{query}", {"channels": ["email", "telegram"], "frequency": "daily"}
    )
    assert response.status_code == 302 and response["Location"] == "/en/news/subscriptions/"
    saved = Subscription.objects.get(user=citizen)
    assert (saved.addressee, saved.category, saved.district.slug, saved.tag.name) == (
        addressee,
        "notice",
        "tsentralnyi",
        "тепло",
    )
    assert saved.query == "п'ятниця"
    assert (saved.channels, saved.frequency) == (["email", "telegram"], "daily")
    # The same again is refused with a clear message, and nothing is added.
    response = client.post(
        f"/en/news/subscribe/?{query}", {"channels": ["email"], "frequency": "daily"}
    )
    assert "You already follow these posts." in response.content.decode()
    assert Subscription.objects.count() == 1


def test_subscribing_to_an_addressee_without_posts_from_its_page(addressee, citizen, client):
    response = client.post(
        "/news/subscribe/?addressee=cnap", {"channels": ["inbox"], "frequency": "immediate"}
    )
    assert response.status_code == 302
    assert Subscription.objects.get(user=citizen).addressee == addressee


def test_no_channel_is_refused_in_ukrainian(addressee, client):
    response = client.post("/news/subscribe/?addressee=cnap", {"frequency": "immediate"})
    assert "Оберіть хоча б один спосіб" in response.content.decode()
    assert not Subscription.objects.exists()


def test_an_anonymous_visitor_is_asked_to_sign_in(addressee):
    response = Client().get("/news/subscribe/?addressee=cnap")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_cabinet_lists_changes_and_removes(addressee, citizen, client):
    own = subscribe(citizen, addressee=addressee, channels=["inbox"])
    subscribe(tag=make_tag("вода"))  # someone else's
    page = client.get("/en/news/subscriptions/").content.decode()
    assert addressee.name in page and "вода" not in page
    response = client.post(
        f"/news/subscriptions/{own.pk}/", {"channels": ["webpush"], "frequency": "daily"}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.channels, own.frequency) == (["webpush"], "daily")
    client.post(f"/news/subscriptions/{own.pk}/delete/")
    assert not Subscription.objects.filter(pk=own.pk).exists()
    assert Subscription.objects.count() == 1


def test_the_limit_of_subscriptions(citizen, settings):
    settings.NEWS_SUBSCRIPTIONS_MAX = 2
    services.subscription_create(actor=citizen, category="news")
    services.subscription_create(actor=citizen, category="notice")
    with pytest.raises(ValidationFailed, match="At most 2 subscriptions"):
        services.subscription_create(actor=citizen, category="announcement")
    assert Subscription.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"channels": []}, "channels"),
        ({"channels": ["sms"]}, "channels"),
        ({"frequency": "weekly"}, "frequency"),
        ({"category": "gossip"}, "category"),
        ({"district_id": 999_999}, "district"),
        ({"tag_id": 999_999}, "tag"),
        ({"query": "x" * 201}, "query"),
    ],
)
def test_bad_subscriptions_are_refused(citizen, fields, field):
    with pytest.raises(ValidationFailed) as refused:
        services.subscription_create(actor=citizen, **fields)
    assert refused.value.field == field
    assert not Subscription.objects.exists()


def test_the_api_lists_creates_changes_and_deletes(addressee, citizen, client):
    make_tag("тепло")
    response = client.post(
        "/api/v1/news/subscriptions",
        {"addressee": "cnap", "tag": "тепло", "channels": ["email"], "frequency": "daily"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["addressee"] == {"slug": "cnap", "name": addressee.name}
    assert created["tag"]["name"] == "тепло" and created["channels"] == ["email"]

    again = client.post(
        "/api/v1/news/subscriptions",
        {"addressee": "cnap", "tag": "тепло"},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_subscribed"
    assert again.json()["error"]["details"]["subscription"] == created["id"]

    bad = client.post(
        "/api/v1/news/subscriptions", {"district": "nowhere"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"]["field"] == "district"

    listed = client.get("/api/v1/news/subscriptions").json()
    assert [s["id"] for s in listed] == [created["id"]]

    changed = client.patch(
        f"/api/v1/news/subscriptions/{created['id']}",
        {"channels": ["inbox", "webpush"], "frequency": "immediate"},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["channels"] == ["inbox", "webpush"]
    wrong = client.patch(
        f"/api/v1/news/subscriptions/{created['id']}",
        {"channels": ["pigeon"], "frequency": "immediate"},
        content_type="application/json",
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["details"]["field"] == "channels"
    assert client.delete(f"/api/v1/news/subscriptions/{created['id']}").status_code == 204
    assert not Subscription.objects.exists()
    assert Client().get("/api/v1/news/subscriptions").status_code == 401


def test_a_duplicate_through_the_service_is_a_conflict(citizen, addressee):
    services.subscription_create(actor=citizen, addressee_id=addressee.pk)
    with pytest.raises(Conflict):
        services.subscription_create(actor=citizen, addressee_id=addressee.pk)


def test_the_posts_api_filters_and_pages(addressee, client):
    district = make_district()
    for n in range(3):
        make_post(addressee=addressee, title=f"Новина {n}", district=district, tags=["тепло"])
    make_post(title="Чужа")
    query = {"addressee": "cnap", "tag": "тепло", "limit": 2}
    first = Client().get("/api/v1/news/posts", query).json()
    assert (first["count"], len(first["items"]), first["has_more"]) == (3, 2, True)
    response = Client().get("/api/v1/news/posts", {**query, "cursor": first["next_cursor"]})
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next_cursor"], body["has_more"]) == (3, None, False)
    assert [p["title"] for p in body["items"]] == ["Новина 2"]
    assert body["items"][0]["district"] == {"slug": "tsentralnyi", "name": district.name}
    bad = Client().get("/api/v1/news/posts?from=2026-03-10&to=2026-03-01")
    assert bad.status_code == 422 and bad.json()["error"]["details"]["field"] == "to"
    assert Client().get("/api/v1/news/posts?cursor=nonsense").status_code == 422
    assert Client().get("/api/v1/news/posts?q=жодного").json()["count"] == 0


def test_the_openapi_document_lists_the_news_endpoints():
    document = Client().get("/api/v1/openapi.json").json()
    operations = {
        (method, path)
        for path, methods in document["paths"].items()
        if path.startswith("/api/v1/news/")
        for method in methods
    }
    assert operations == {
        ("get", "/api/v1/news/posts"),
        ("get", "/api/v1/news/posts/{post_id}"),
        ("get", "/api/v1/news/subscriptions"),
        ("post", "/api/v1/news/subscriptions"),
        ("patch", "/api/v1/news/subscriptions/{subscription_id}"),
        ("delete", "/api/v1/news/subscriptions/{subscription_id}"),
    }
    parameters = document["paths"]["/api/v1/news/posts"]["get"]["parameters"]
    assert {p["name"] for p in parameters} >= {
        "addressee",
        "from",
        "to",
        "q",
        "tag",
        "cursor",
        "limit",
    }
