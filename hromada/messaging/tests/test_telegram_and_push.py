"""Telegram (a local HTTP server stands in for the Bot API) and web push (a local HTTP server
stands in for the browser's push service); each test checks the exact requests."""

import base64
import json
import os
import re

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.urls import reverse

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory, log_in_with_totp
from hromada.messaging.models import Delivery, Kind, Profile, PushSubscription, Status
from hromada.messaging.notify import notification_send
from hromada.messaging.telegram import telegram_poll
from hromada.messaging.tests.factories import drain
from hromada.messaging.vapid import b64url, vapid_keys_new

pytestmark = pytest.mark.django_db
TOKEN = "123456:TEST-token"
WEBHOOK = "webhook-path"


@pytest.fixture
def bot(settings, http_peer):
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_BOT_USERNAME = "novoiarsk_bot"
    settings.TELEGRAM_API_URL = http_peer.url
    settings.TELEGRAM_WEBHOOK_SECRET = WEBHOOK
    return http_peer


def _deep_link_token(client, user) -> str:
    client.force_login(user)
    page = client.post(reverse("messaging:telegram_link")).content.decode()
    return re.search(r"https://t\.me/novoiarsk_bot\?start=([\w-]+)", page).group(1)


def _start(client, token: str, chat_id: int = 4242, secret: str = WEBHOOK):
    update = {"update_id": 1, "message": {"chat": {"id": chat_id}, "text": f"/start {token}"}}
    return client.post(
        f"/messaging/telegram/{secret}/", json.dumps(update), content_type="application/json"
    )


def test_a_deep_link_binds_the_chat_once_and_the_bot_says_so(
    client, citizen, bot, django_capture_on_commit_callbacks
):
    token = _deep_link_token(client, citizen)
    client.logout()  # Telegram's webhook comes with no session
    assert _start(client, token, secret="wrong").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert _start(client, token).status_code == 200
    profile = Profile.objects.get(user=citizen)
    assert profile.telegram_chat_id == "4242" and profile.telegram_linked_at
    [reply] = bot.json_bodies(f"/bot{TOKEN}/sendMessage")
    # The bot speaks the site's language.
    assert reply == {
        "chat_id": 4242,
        "text": "Готово: Новоярська міська рада надсилатиме ваші сповіщення сюди.",
    }
    # The link is used: a second Start (or a stranger's) binds nothing.
    with django_capture_on_commit_callbacks(execute=True):
        _start(client, token, chat_id=666)
    assert Profile.objects.get(user=citizen).telegram_chat_id == "4242"
    assert bot.json_bodies("/sendMessage")[-1] == {
        "chat_id": 666,
        "text": "Це посилання вже використано або воно застаріло. Отримайте нове в кабінеті.",
    }


def test_a_notification_reaches_the_linked_chat_and_a_blocked_bot_unlinks_it(client, citizen, bot):
    Profile.objects.create(user=citizen, telegram_chat_id="4242")
    rows = notification_send(
        kind=Kind.QUEUE,
        user_id=citizen.pk,
        subject="Нагадування",
        body="Завтра о 10:00, ЦНАП.",
        url="/queue/mine/",
        channels=["telegram"],
    )
    assert [r.channel for r in rows] == ["telegram"]
    assert drain("telegram")["sent"] == 1
    [(method, path, headers, body)] = bot.requests
    assert (method, path, headers["content-type"]) == (
        "POST",
        f"/bot{TOKEN}/sendMessage",
        "application/json",
    )
    assert json.loads(body) == {
        "chat_id": "4242",
        "text": "Нагадування\n\nЗавтра о 10:00, ЦНАП.",
        "disable_web_page_preview": True,
        "reply_markup": {
            "inline_keyboard": [
                [{"text": "Нагадування", "url": "http://127.0.0.1:8000/queue/mine/"}]
            ]
        },
    }
    bot.answers["/sendMessage"] = (403, {"ok": False, "description": "bot was blocked"})
    notification_send(kind=Kind.QUEUE, user_id=citizen.pk, subject="2", channels=["telegram"])
    assert drain("telegram")["failed"] == 1
    failed = Delivery.objects.get(status=Status.FAILED)
    assert failed.reason == "Telegram 403: bot was blocked"
    assert Profile.objects.get(user=citizen).telegram_chat_id == ""


def test_a_busy_bot_api_is_retried(citizen, bot):
    Profile.objects.create(user=citizen, telegram_chat_id="4242")
    bot.answers["/sendMessage"] = (429, {"ok": False, "description": "Too Many Requests"})
    notification_send(kind=Kind.QUEUE, user_id=citizen.pk, subject="1", channels=["telegram"])
    assert drain("telegram")["retry"] == 1
    delivery = Delivery.objects.get()
    assert delivery.status == Status.QUEUED and delivery.not_before is not None


def test_polling_get_updates_links_and_remembers_the_offset(
    client, citizen, bot, django_capture_on_commit_callbacks
):
    token = _deep_link_token(client, citizen)
    bot.answers["/getUpdates"] = (
        200,
        {
            "ok": True,
            "result": [
                {"update_id": 41, "message": {"chat": {"id": 77}, "text": "hello"}},
                {"update_id": 42, "message": {"chat": {"id": 77}, "text": f"/start {token}"}},
            ],
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert telegram_poll() == 1
    bot.answers["/getUpdates"] = (200, {"ok": True, "result": []})
    assert telegram_poll() == 0
    offsets = [b["offset"] for b in bot.json_bodies("/getUpdates")]
    assert offsets == [0, 43]
    assert Profile.objects.get(user=citizen).telegram_chat_id == "77"


# --- Web push ---------------------------------------------------------------------------------


@pytest.fixture
def vapid(settings):
    public, private = vapid_keys_new()
    settings.WEBPUSH_VAPID_PUBLIC_KEY, settings.WEBPUSH_VAPID_PRIVATE_KEY = public, private
    settings.WEBPUSH_VAPID_SUBJECT = "mailto:admin@novoiarsk.example"
    return public


def _browser():
    """What a browser's PushManager makes: a key pair and an auth secret."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return key, b64url(public), os.urandom(16)


def test_a_browser_registers_and_receives_an_encrypted_signed_push(
    client, citizen, vapid, http_peer
):
    key, p256dh, auth = _browser()
    endpoint = f"{http_peer.url}/push/v2/abc"
    assert client.post("/api/v1/messaging/push-subscriptions").status_code == 401
    client.force_login(citizen)
    created = client.post(
        "/api/v1/messaging/push-subscriptions",
        {"endpoint": endpoint, "p256dh": p256dh, "auth": b64url(auth)},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    rows = notification_send(
        kind=Kind.APPEAL_STATUS, user_id=citizen.pk, subject="Відповідь", body="Готово", url="/x/"
    )
    assert "push" in {r.channel for r in rows}  # registering turned the channel on
    assert drain("push")["sent"] == 1
    [(method, path, headers, body)] = http_peer.requests
    assert (method, path) == ("POST", "/push/v2/abc")
    assert headers["content-encoding"] == "aes128gcm" and headers["ttl"] == "86400"
    # VAPID: a JWT signed for the push service's origin, and the city's public key.
    token, key_part = headers["authorization"].removeprefix("vapid t=").split(",k=")
    assert key_part == vapid
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["aud"] == http_peer.url and claims["sub"] == "mailto:admin@novoiarsk.example"
    payload = json.loads(
        http_ece.decrypt(body, private_key=key, auth_secret=auth, version="aes128gcm")
    )
    opened = payload.pop("opened")
    assert payload == {"title": "Відповідь", "body": "Готово", "url": "http://127.0.0.1:8000/x/"}
    # The service worker reports the click; the delivery is then opened.
    push = Delivery.objects.get(channel="push")
    assert push.opened_at is None
    client.logout()
    assert client.post(opened.removeprefix("http://127.0.0.1:8000")).status_code == 204
    push.refresh_from_db()
    assert push.opened_at is not None
    assert (
        client.post(opened.removeprefix("http://127.0.0.1:8000")[:-4] + "xxx/").status_code == 204
    )
    assert Delivery.objects.filter(opened_at__isnull=False).count() == 1


@pytest.mark.parametrize("status", [404, 410])
def test_an_expired_subscription_is_marked_and_dropped(citizen, vapid, http_peer, status):
    _key, p256dh, auth = _browser()
    subscription = PushSubscription.objects.create(
        user=citizen, endpoint=f"{http_peer.url}/push/gone", p256dh=p256dh, auth=b64url(auth)
    )
    http_peer.answers["/push/gone"] = (status, {})
    notification_send(kind=Kind.QUEUE, user_id=citizen.pk, subject="1", channels=["push"])
    assert drain("push")["failed"] == 1
    delivery = Delivery.objects.get(channel="push")
    assert delivery.reason == f"push subscription expired ({status})"
    subscription.refresh_from_db()
    assert subscription.expired_at is not None
    assert (
        notification_send(kind=Kind.QUEUE, user_id=citizen.pk, subject="2", channels=["push"]) == []
    )


def test_the_service_worker_is_served_for_the_whole_site(client):
    response = client.get("/service-worker.js")
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"
    assert b"showNotification" in response.content


def test_a_push_endpoint_must_be_https(client, citizen):
    client.force_login(citizen)
    response = client.post(
        "/api/v1/messaging/push-subscriptions",
        {"endpoint": "ftp://x", "p256dh": "a", "auth": "b"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"]["field"] == "endpoint"
    assert not PushSubscription.objects.exists()


def test_only_the_owner_removes_a_subscription(client, citizen):
    subscription = PushSubscription.objects.create(
        user=citizen, endpoint="https://push.example/1", p256dh="k", auth="a"
    )
    for other in [UserFactory(), UserFactory(roles=[Role.ADMINISTRATOR])]:
        client.logout()
        if other.is_staff:
            log_in_with_totp(client, other)
        else:
            client.force_login(other)
        response = client.post(
            "/api/v1/messaging/push-subscriptions/remove",
            {"endpoint": subscription.endpoint},
            content_type="application/json",
        )
        assert response.json() == {"removed": 0}
    assert PushSubscription.objects.filter(pk=subscription.pk).exists()
