"""The moderators' office: their addressees' posts in every state, writing, editing,
publishing, scheduling and unpublishing, through the same services as the API and admin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hromada.core.errors import ApplicationError
from hromada.news import selectors, services
from hromada.news.forms import PostForm
from hromada.news.models import Post

PAGE_SIZE = 50


def _office_user(request):
    if not request.user.has_perm("news.use_office"):
        raise PermissionDenied
    return request.user


def _post_form(request, *, editing: Post | None = None, **kwargs) -> PostForm:
    return PostForm(
        request.POST or None,
        request.FILES or None,
        addressees=selectors.office_addressees(request.user),
        districts=selectors.districts(),
        editing=editing,
        **kwargs,
    )


def _refusal(form, exc: ApplicationError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
def post_list(request):
    user = _office_user(request)
    state = request.GET.get("state", "")
    if state not in Post.State.values:
        state = ""
    page = Paginator(selectors.office_posts(user, state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "news/office/list.html",
        {
            "page": page,
            "state": state,
            "states": Post.State.choices,
            "page_query": f"state={state}&" if state else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_new(request):
    _office_user(request)
    form = _post_form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        publish = request.POST.get("intent") == "publish"
        schedule = request.POST.get("intent") == "schedule"
        if schedule and not data.get("publish_at"):
            form.add_error("publish_at", _("Give the date and time of publication."))
        else:
            try:
                post = services.post_create(
                    actor=request.user,
                    addressee_id=data["addressee"].pk,
                    category=data["category"],
                    title=data["title"],
                    body=data["body"],
                    district_id=data["district"].pk if data["district"] else None,
                    tags=data["tags"],
                    images=data["images"],
                    image_alt=data["image_alt"],
                    attachments=data["attachments"],
                    publish=publish,
                    publish_at=data.get("publish_at") if schedule else None,
                )
            except ApplicationError as exc:
                _refusal(form, exc)
            else:
                messages.success(request, _done_message(post))
                return redirect("news:office_edit", pk=post.pk)
    return render(request, "news/office/edit.html", {"form": form, "post": None})


def _done_message(post: Post) -> str:
    if post.state == Post.State.PUBLISHED:
        return _("The post is published.")
    if post.state == Post.State.SCHEDULED:
        return _("The post is scheduled.")
    return _("The draft is saved.")


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request, pk: int):
    user = _office_user(request)
    post = selectors.post_for(user, pk)
    if post is None or not user.has_perm("news.write_post", post):
        raise Http404(_("No such post."))
    initial = {
        "category": post.category,
        "title": post.title,
        "body": post.body,
        "district": post.district_id,
        "tags": ", ".join(tag.name for tag in post.tags.all()),
    }
    form = _post_form(request, editing=post, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.post_update(
                actor=user,
                post_id=post.pk,
                category=data["category"],
                title=data["title"],
                body=data["body"],
                district_id=data["district"].pk if data["district"] else None,
                tags=data["tags"],
                images=data["images"],
                image_alt=data["image_alt"],
                attachments=data["attachments"],
                remove_files=data.get("remove_files") or [],
            )
        except ApplicationError as exc:
            _refusal(form, exc)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("news:office_edit", pk=post.pk)
    return render(
        request,
        "news/office/edit.html",
        {"form": form, "post": post, "history": selectors.post_history(post)},
    )


ACTIONS = {"publish", "schedule", "unpublish"}


@login_required
@require_POST
def post_act(request, pk: int, action: str):
    user = _office_user(request)
    if action not in ACTIONS:
        raise Http404
    try:
        if action == "publish":
            services.post_publish(actor=user, post_id=pk)
            messages.success(request, _("The post is published."))
        elif action == "schedule":
            services.post_schedule(
                actor=user,
                post_id=pk,
                publish_at=parse_datetime(request.POST.get("publish_at", "")),
            )
            messages.success(request, _("The post is scheduled."))
        else:
            services.post_unpublish(actor=user, post_id=pk, reason=request.POST.get("reason", ""))
            messages.success(request, _("The post is unpublished."))
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    return redirect("news:office_edit", pk=pk)
