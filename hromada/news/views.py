"""The public side of the news: the digest, a post, its files, and the resident's
subscriptions. Each view parses, calls one service or selector, and renders."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hromada.core.errors import ApplicationError
from hromada.news import selectors, services
from hromada.news.forms import ChannelsForm, DigestFilterForm
from hromada.news.models import PostFile


def _with_params(url: str, params: dict[str, str]) -> str:
    return f"{url}?{urlencode(params)}" if params else url


@require_GET
def digest(request):
    form = DigestFilterForm(request.GET)
    form.is_valid()
    digest_filter = form.digest_filter()
    paginator = selectors.CappedPaginator(selectors.digest(digest_filter), settings.NEWS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    params = digest_filter.params()
    return render(
        request,
        "news/digest.html",
        {
            "form": form,
            "filter": digest_filter,
            "page": page,
            "page_query": f"{urlencode(params)}&" if params else "",
            "rss_url": _with_params(reverse("news:feed_rss"), params),
            "atom_url": _with_params(reverse("news:feed_atom"), params),
            "subscribe_url": _with_params(
                reverse("news:subscribe"), digest_filter.params(with_dates=False)
            ),
        },
    )


@require_GET
def post(request, pk: int):
    found = selectors.post_for(request.user, pk)
    if found is None:
        raise Http404(_("No such post."))
    files = list(found.files.all())
    return render(
        request,
        "news/post.html",
        {
            "post": found,
            "images": [f for f in files if f.kind == PostFile.Kind.IMAGE],
            "attachments": [f for f in files if f.kind == PostFile.Kind.ATTACHMENT],
            "may_write": request.user.has_perm("news.write_post", found),
        },
    )


@require_GET
def post_file(request, pk: int, file_pk: int):
    stored = selectors.post_file_for(request.user, post_id=pk, file_pk=file_pk)
    if stored is None or not default_storage.exists(stored.file.name):
        raise Http404
    inline = stored.kind == PostFile.Kind.IMAGE
    response = FileResponse(
        default_storage.open(stored.file.name, "rb"),
        content_type=stored.content_type,
        as_attachment=not inline,
        filename=stored.name,
    )
    # Public only while the post is published: caches must ask again after unpublishing.
    response["Cache-Control"] = "no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Subscriptions ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def subscribe(request):
    """Follow the digest's filter as it stands (the dates aside), an addressee, a district or
    a topic: the filter comes in the address, the channels in the form."""
    filter_form = DigestFilterForm(request.GET, with_choices=False)
    if not filter_form.is_valid():
        messages.error(request, _("This filter cannot be followed; check it on the digest."))
        return redirect("news:digest")
    digest_filter = filter_form.digest_filter()
    form = ChannelsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_create(
                actor=request.user,
                addressee_id=digest_filter.addressee.pk if digest_filter.addressee else None,
                district_id=digest_filter.district.pk if digest_filter.district else None,
                tag_id=digest_filter.tag.pk if digest_filter.tag else None,
                category=digest_filter.category,
                query=digest_filter.query,
                channels=form.cleaned_data["channels"],
                frequency=form.cleaned_data["frequency"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Subscribed. You can change or cancel it here."))
            return redirect("news:subscriptions")
    return render(
        request,
        "news/subscribe.html",
        {
            "form": form,
            "filter": digest_filter,
            "had_dates": bool(digest_filter.date_from or digest_filter.date_to),
        },
    )


@login_required
@require_GET
def subscriptions(request):
    return render(
        request,
        "news/subscriptions.html",
        {"subscriptions": list(selectors.subscriptions_of(request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def subscription_edit(request, pk: int):
    subscription = selectors.subscription_for(request.user, pk)
    if subscription is None:
        raise Http404(_("No such subscription."))
    form = ChannelsForm(
        request.POST or None,
        initial={"channels": subscription.channels, "frequency": subscription.frequency},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_update(
                actor=request.user,
                subscription_id=subscription.pk,
                channels=form.cleaned_data["channels"],
                frequency=form.cleaned_data["frequency"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The subscription is saved."))
            return redirect("news:subscriptions")
    return render(
        request, "news/subscription_edit.html", {"form": form, "subscription": subscription}
    )


@login_required
@require_POST
def subscription_delete(request, pk: int):
    try:
        services.subscription_delete(actor=request.user, subscription_id=pk)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("You no longer follow these posts."))
    return redirect("news:subscriptions")
