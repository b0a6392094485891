"""Posts and subscriptions for tests, and the people who write them."""

import io
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory
from hromada.core.models import District
from hromada.directory.models import Membership
from hromada.directory.tests.factories import AddresseeFactory
from hromada.news.models import Post, Subscription, Tag
from hromada.news.services import _refresh_search_text, subscription_key

SQUARE = {"type": "Polygon", "coordinates": [[[30, 50], [30.1, 50], [30.1, 50.1], [30, 50]]]}


def make_district(slug: str = "tsentralnyi", name: str = "Центральний район") -> District:
    district, _ = District.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "kind": District.Kind.CITY_DISTRICT,
            "boundary": SQUARE,
            "min_lat": 50,
            "max_lat": 50.1,
            "min_lon": 30,
            "max_lon": 30.1,
        },
    )
    return district


def moderator_of(addressee, *, roles=(Role.MODERATOR,), responsible: bool = False):
    user = UserFactory(roles=list(roles))
    Membership.objects.create(addressee=addressee, user=user, is_responsible=responsible)
    return user


def make_tag(name: str) -> Tag:
    tag, _ = Tag.objects.get_or_create(name=name, defaults={"slug": name.replace(" ", "-")})
    return tag


def make_post(
    *,
    addressee=None,
    tags=(),
    state=Post.State.PUBLISHED,
    published_at: datetime | None = None,
    **fields,
) -> Post:
    """A post written straight to the database (the services are tested on their own)."""
    fields.setdefault("category", "news")
    fields.setdefault("title", "Ремонт вулиці Шевченка")
    fields.setdefault("body", "Роботи триватимуть до кінця місяця. Просимо вибачення.")
    if state == Post.State.PUBLISHED and published_at is None:
        published_at = timezone.now() - timedelta(minutes=Post.objects.count() + 1)
    post = Post(
        addressee=addressee or AddresseeFactory(),
        state=state,
        published_at=published_at,
        **fields,
    )
    tag_rows = [make_tag(name) for name in tags]
    _refresh_search_text(post, tag_rows)
    post.save()
    post.tags.set(tag_rows)
    return post


def subscribe(user=None, *, channels=("inbox",), frequency="immediate", **filters):
    user = user or UserFactory()
    key = subscription_key(
        addressee_id=getattr(filters.get("addressee"), "pk", None),
        district_id=getattr(filters.get("district"), "pk", None),
        tag_id=getattr(filters.get("tag"), "pk", None),
        category=filters.get("category", ""),
        query=filters.get("query", ""),
    )
    return Subscription.objects.create(
        user=user, channels=list(channels), frequency=frequency, key=key, **filters
    )


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name: str = "rishennia.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n%%EOF\n", "application/pdf"
    )
