"""The news' JSON API (/api/v1/news/): the digest and one post (public), and the signed-in
person's subscriptions. Endpoints are thin; refusals are ApplicationErrors mapped in core.api."""

from datetime import date, datetime
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field, field_validator

from hromada.core.errors import NotFound, ValidationFailed
from hromada.core.pagination import (
    CURSOR_DESCRIPTION,
    CURSOR_MAX,
    HAS_MORE_DESCRIPTION,
    NEXT_CURSOR_DESCRIPTION,
    offset_page,
)
from hromada.news import selectors, services
from hromada.news.forms import DigestFilterForm
from hromada.news.models import Channel, Frequency, Post, PostFile, Subscription

router = Router(tags=["news"])
REFUSALS = frozenset({400, 401, 403, 404, 409, 422})


class ErrorOut(Schema):
    error: dict[str, Any]


def answers(status: int, schema) -> dict:
    return {status: schema, REFUSALS: ErrorOut}


class Input(Schema):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError(_("The text contains a forbidden character."))
        return value


class Named(Schema):
    slug: str
    name: str


class FileOut(Schema):
    kind: str
    name: str
    content_type: str
    size: int
    alt: str
    url: str


class PostOut(Schema):
    id: int
    category: str
    category_label: str
    title: str
    body: str
    addressee: Named
    district: Named | None
    tags: list[Named]
    published_at: datetime | None
    url: str
    files: list[FileOut]


class PostPageOut(Schema):
    count: int = Field(description="Posts found, counted up to 10,000.")
    count_is_capped: bool = Field(description="True when there are more than `count`.")
    items: list[PostOut]
    next_cursor: str | None = Field(description=NEXT_CURSOR_DESCRIPTION)
    has_more: bool = Field(description=HAS_MORE_DESCRIPTION)


class DigestQuery(Schema):
    addressee: str = Field("", description="An addressee's code.")
    category: str = Field("", description="notice, news or announcement.")
    district: str = Field("", description="A district's code.")
    tag: str = Field("", description="A topic's code.")
    date_from: date | None = Field(None, alias="from")
    date_to: date | None = Field(None, alias="to")
    q: str = Field("", max_length=200, description="Words to find in title, text and topics.")
    limit: int = Field(20, ge=1, le=100, description="Items per page.")
    cursor: str = Field("", max_length=CURSOR_MAX, description=CURSOR_DESCRIPTION)


class SubscriptionIn(Input):
    addressee: str = Field("", description="An addressee's code; empty for any.")
    district: str = Field("", description="A district's code; empty for any.")
    tag: str = Field("", description="A topic's code; empty for any.")
    category: str = Field("", description="notice, news, announcement; empty for any.")
    query: str = Field("", max_length=200, description="Words every matching post contains.")
    channels: list[str] = Field(
        default_factory=lambda: [Channel.INBOX, Channel.EMAIL],
        description="Any of: inbox, email, telegram, webpush.",
    )
    frequency: str = Field(Frequency.IMMEDIATE, description="immediate or daily.")


class SubscriptionChangeIn(Input):
    channels: list[str]
    frequency: str


class SubscriptionOut(Schema):
    id: int
    addressee: Named | None
    district: Named | None
    tag: Named | None
    category: str
    query: str
    channels: list[str]
    frequency: str
    created_at: datetime


def _named(obj) -> dict | None:
    return {"slug": obj.slug, "name": obj.name} if obj is not None else None


def _file_out(stored: PostFile) -> dict:
    return {
        "kind": stored.kind,
        "name": stored.name,
        "content_type": stored.content_type,
        "size": stored.size,
        "alt": stored.alt,
        "url": stored.get_absolute_url(),
    }


def _post_out(post: Post, files: list[PostFile]) -> dict:
    return {
        "id": post.pk,
        "category": post.category,
        "category_label": post.get_category_display(),
        "title": post.title,
        "body": post.body,
        "addressee": _named(post.addressee),
        "district": _named(post.district),
        "tags": [_named(tag) for tag in post.tags.all()],
        "published_at": post.published_at,
        "url": post.get_absolute_url(),
        "files": [_file_out(stored) for stored in files],
    }


def _subscription_out(subscription: Subscription) -> dict:
    return {
        "id": subscription.pk,
        "addressee": _named(subscription.addressee),
        "district": _named(subscription.district),
        "tag": _named(subscription.tag),
        "category": subscription.category,
        "query": subscription.query,
        "channels": subscription.channels,
        "frequency": subscription.frequency,
        "created_at": subscription.created_at,
    }


def _digest_filter(params: dict[str, Any]) -> selectors.DigestFilter:
    """The same parsing as the digest page: codes to objects, one clear error for a bad one."""
    data = QueryDict(mutable=True)
    for key, value in params.items():
        if value not in (None, ""):
            data[key] = value.isoformat() if isinstance(value, date) else str(value)
    form = DigestFilterForm(data, with_choices=False)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise ValidationFailed(
            str(errors[0]), field={"date_from": "from", "date_to": "to"}.get(field, field)
        )
    return form.digest_filter()


@router.get("/posts", response=answers(200, PostPageOut), auth=None, summary="The digest, filtered")
def posts(request, filters: Query[DigestQuery]):
    values = filters.dict(exclude={"limit", "cursor"})
    digest = selectors.digest(_digest_filter(values))
    paginator = selectors.CappedPaginator(digest, filters.limit)
    items, more = offset_page(digest, cursor=filters.cursor, limit=filters.limit)
    return {
        "count": paginator.count,
        "count_is_capped": paginator.is_capped,
        "items": [_post_out(post, post.images) for post in items],
        **more,
    }


@router.get("/posts/{post_id}", response=answers(200, PostOut), auth=None, summary="One post")
def post_detail(request, post_id: int):
    post = selectors.post_for(request.user, post_id)
    if post is None:
        raise NotFound(_("No such post."))
    return _post_out(post, list(post.files.all()))


def _codes(payload: SubscriptionIn) -> dict[str, Any]:
    """Codes to ids, refusing an unknown one with the field's name."""
    data = QueryDict(mutable=True)
    for name in ("addressee", "district", "tag", "category"):
        if getattr(payload, name):
            data[name] = getattr(payload, name)
    form = DigestFilterForm(data, with_choices=False)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise ValidationFailed(str(errors[0]), field=field)
    found = form.digest_filter()
    return {
        "addressee_id": found.addressee.pk if found.addressee else None,
        "district_id": found.district.pk if found.district else None,
        "tag_id": found.tag.pk if found.tag else None,
        "category": found.category,
    }


@router.get(
    "/subscriptions", response=answers(200, list[SubscriptionOut]), summary="My subscriptions"
)
def subscriptions(request):
    return [_subscription_out(s) for s in selectors.subscriptions_of(request.user)]


@router.post("/subscriptions", response=answers(201, SubscriptionOut), summary="Follow a filter")
def subscription_create(request, payload: SubscriptionIn):
    subscription = services.subscription_create(
        actor=request.user,
        query=payload.query,
        channels=payload.channels,
        frequency=payload.frequency,
        **_codes(payload),
    )
    found = selectors.subscription_for(request.user, subscription.pk)
    return Status(201, _subscription_out(found))


@router.patch(
    "/subscriptions/{subscription_id}",
    response=answers(200, SubscriptionOut),
    summary="Change the channels or frequency",
)
def subscription_update(request, subscription_id: int, payload: SubscriptionChangeIn):
    services.subscription_update(
        actor=request.user,
        subscription_id=subscription_id,
        channels=payload.channels,
        frequency=payload.frequency,
    )
    return _subscription_out(selectors.subscription_for(request.user, subscription_id))


@router.delete(
    "/subscriptions/{subscription_id}", response=answers(204, None), summary="Unsubscribe"
)
def subscription_delete(request, subscription_id: int):
    services.subscription_delete(actor=request.user, subscription_id=subscription_id)
    return Status(204, None)
