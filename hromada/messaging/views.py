"""The resident's inbox and delivery settings, the unsubscribe page, the bot's webhook and
the service worker. Each view parses, calls one service or selector, and renders."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from hromada.core.errors import ApplicationError
from hromada.messaging import selectors, services
from hromada.messaging.forms import PreferencesForm
from hromada.messaging.telegram import telegram_link_create, telegram_unlink, telegram_update_handle

PAGE_SIZE = 20
SERVICE_WORKER = Path(__file__).parent / "static" / "messaging" / "service-worker.js"


@login_required
def inbox(request):
    page = Paginator(selectors.inbox(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "messaging/inbox.html",
        {"page": page, "unread": selectors.unread_count(request.user)},
    )


@login_required
def inbox_open(request, pk: int):
    try:
        delivery = services.inbox_open(user=request.user, delivery_id=pk)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    url = delivery.message.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("messaging:inbox")


@login_required
@require_POST
def inbox_read_all(request):
    services.inbox_mark_all_read(user=request.user)
    messages.success(request, _("All notifications are marked read."))
    return redirect("messaging:inbox")


@login_required
def preferences(request):
    form = PreferencesForm(
        request.POST or None,
        preferences=selectors.preferences_of(request.user),
        initial=_profile_initial(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            district = form.cleaned_data["district"]
            services.notification_settings_update(
                user=request.user,
                actor=request.user,
                choices=form.choices(),
                quiet_from=form.cleaned_data["quiet_from"],
                quiet_to=form.cleaned_data["quiet_to"],
                district_id=district.pk if district else None,
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("messaging:preferences")
    return render(
        request,
        "messaging/preferences.html",
        {
            "form": form,
            "profile": selectors.profile_of(request.user),
            "telegram_ready": bool(settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_BOT_USERNAME),
            "push_key": settings.WEBPUSH_VAPID_PUBLIC_KEY,
            "push_subscriptions": selectors.push_subscriptions_of(request.user),
        },
    )


def _profile_initial(user) -> dict:
    profile = selectors.profile_of(user)
    return {
        "quiet_from": profile.quiet_from,
        "quiet_to": profile.quiet_to,
        "district": profile.district_id,
    }


@login_required
@require_POST
def telegram_link(request):
    try:
        url = telegram_link_create(user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("messaging:preferences")
    return render(request, "messaging/telegram_link.html", {"url": url})


@login_required
@require_POST
def telegram_unlink_view(request):
    telegram_unlink(user=request.user)
    messages.success(request, _("Telegram is unlinked."))
    return redirect("messaging:preferences")


@csrf_exempt
def unsubscribe(request, token: str):
    """GET asks, POST unsubscribes; a mail client's one-click POST (RFC 8058) has no CSRF
    token and needs no login: the signed token is the proof."""
    try:
        data = services.unsubscribe_read(token)
    except ApplicationError as exc:
        return render(request, "messaging/unsubscribe.html", {"error": exc.message}, status=400)
    if request.method == "POST":
        services.unsubscribe_apply(token=token)
        return render(request, "messaging/unsubscribe.html", {"done": True, "data": data})
    return render(request, "messaging/unsubscribe.html", {"data": data, "token": token})


@csrf_exempt
@require_POST
def telegram_webhook(request, secret: str):
    """Telegram posts each update here (setWebhook with this URL)."""
    if not settings.TELEGRAM_WEBHOOK_SECRET or secret != settings.TELEGRAM_WEBHOOK_SECRET:
        return HttpResponseForbidden()
    try:
        update = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"ok": False}, status=400)
    telegram_update_handle(update if isinstance(update, dict) else {})
    return JsonResponse({"ok": True})


@csrf_exempt
@require_POST
def delivery_opened(request, token: str):
    """The service worker reports a click on a notification (no session: the token is signed)."""
    services.delivery_opened(token=token)
    return HttpResponse(status=204)


# A transparent 1×1 GIF.
PIXEL = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00"
    b"\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


@require_GET
def delivery_pixel(request, token: str):
    """An e-mail's picture was loaded: mark the delivery opened (once). The same picture
    answers a damaged token, so the address says nothing to someone probing it."""
    services.delivery_opened(token=token)
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "no-referrer"
    return response


def service_worker(request):
    """Served at the site's root so that it may show notifications for every page."""
    response = HttpResponse(SERVICE_WORKER.read_bytes(), content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
