"""The notifications JSON API (/api/v1/messaging/): a person's inbox, delivery preferences
and quiet hours, web push subscriptions and the Telegram deep link. Mass mailings are
managed in the back office and the admin."""

from datetime import datetime, time
from typing import Any

from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from hromada.core.pagination import (
    HAS_MORE_DESCRIPTION,
    NEXT_CURSOR_DESCRIPTION,
    PageQuery,
    offset_page,
)
from hromada.messaging import selectors, services
from hromada.messaging.telegram import telegram_link_create

router = Router(tags=["notifications"])
REFUSALS = frozenset({400, 401, 403, 404, 409, 422})


class ErrorOut(Schema):
    error: dict[str, Any]


def answers(status: int, schema) -> dict:
    return {status: schema, REFUSALS: ErrorOut}


class Input(Schema):
    model_config = ConfigDict(extra="forbid")


class InboxItemOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    url: str
    created_at: datetime
    opened_at: datetime | None


class InboxOut(Schema):
    unread: int
    items: list[InboxItemOut]
    next_cursor: str | None = Field(description=NEXT_CURSOR_DESCRIPTION)
    has_more: bool = Field(description=HAS_MORE_DESCRIPTION)


def _item(delivery) -> dict:
    message = delivery.message
    return {
        "id": delivery.pk,
        "kind": message.kind,
        "subject": message.subject,
        "body": message.body,
        "url": message.url,
        "created_at": delivery.created_at,
        "opened_at": delivery.opened_at,
    }


@router.get("/inbox", response=answers(200, InboxOut), summary="My inbox, newest first")
def inbox(request, page: Query[PageQuery]):
    rows, more = offset_page(selectors.inbox(request.auth), cursor=page.cursor, limit=page.limit)
    return {
        "unread": selectors.unread_count(request.auth),
        "items": [_item(d) for d in rows],
        **more,
    }


@router.post("/inbox/{delivery_id}/read", response=answers(200, InboxItemOut))
def inbox_read(request, delivery_id: int):
    return _item(services.inbox_open(user=request.auth, delivery_id=delivery_id))


class ChoiceIn(Input):
    channels: list[str]
    frequency: str = "immediate"


class PreferenceOut(Schema):
    kind: str
    label: str
    channels: list[str]
    frequency: str


class PreferencesOut(Schema):
    kinds: list[PreferenceOut]
    quiet_from: time | None
    quiet_to: time | None
    district: int | None
    telegram_linked: bool


class PreferencesIn(Input):
    kinds: dict[str, ChoiceIn] = Field(default_factory=dict)
    quiet_from: time | None = None
    quiet_to: time | None = None
    district: int | None = None


def _preferences(user) -> dict:
    profile = selectors.profile_of(user)
    return {
        "kinds": [{**row, "label": str(row["label"])} for row in selectors.preferences_of(user)],
        "quiet_from": profile.quiet_from,
        "quiet_to": profile.quiet_to,
        "district": profile.district_id,
        "telegram_linked": bool(profile.telegram_chat_id),
    }


@router.get("/preferences", response=answers(200, PreferencesOut))
def preferences(request):
    return _preferences(request.auth)


@router.put("/preferences", response=answers(200, PreferencesOut))
def preferences_put(request, data: PreferencesIn):
    services.notification_settings_update(
        user=request.auth,
        actor=request.auth,
        choices={kind: choice.model_dump() for kind, choice in data.kinds.items()},
        quiet_from=data.quiet_from,
        quiet_to=data.quiet_to,
        district_id=data.district,
    )
    return _preferences(request.auth)


class PushIn(Input):
    endpoint: str = Field(max_length=1000)
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)


class PushOut(Schema):
    id: int
    endpoint: str


@router.post("/push-subscriptions", response=answers(201, PushOut))
def push_subscribe(request, data: PushIn):
    subscription = services.push_subscribe(
        user=request.auth,
        endpoint=data.endpoint,
        p256dh=data.p256dh,
        auth=data.auth,
        user_agent=request.headers.get("User-Agent", ""),
    )
    return Status(201, {"id": subscription.pk, "endpoint": subscription.endpoint})


class EndpointIn(Input):
    endpoint: str = Field(max_length=1000)


@router.post("/push-subscriptions/remove", response=answers(200, dict))
def push_unsubscribe(request, data: EndpointIn):
    return {"removed": services.push_unsubscribe(user=request.auth, endpoint=data.endpoint)}


class LinkOut(Schema):
    url: str


@router.post("/telegram/link", response=answers(200, LinkOut), summary="A one-time deep link")
def telegram_link(request):
    return {"url": telegram_link_create(user=request.auth)}
