"""The public map, the list and one report; supporting; filing a report in three steps.

Each view parses, calls one service or selector and renders; the filters live in the address,
so a link keeps them.
"""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hromada.accounts.selectors import profile_missing_fields
from hromada.appeals.models import Category
from hromada.core.errors import ApplicationError
from hromada.core.selectors import district_for_point
from hromada.situation import selectors, services
from hromada.situation.filters import ReportFilters, parse_filters
from hromada.situation.forms import CategoryForm, DescriptionForm, PointForm
from hromada.situation.models import OPEN_STATUSES

PAGE_SIZE = 20
DRAFT = "situation_report_draft"


def _filters(request) -> tuple[ReportFilters, str]:
    try:
        return parse_filters(request.GET), ""
    except ApplicationError as exc:
        return ReportFilters(), exc.message


def _filter_context(request, filters: ReportFilters, error: str) -> dict:
    return {
        "filters": filters,
        "filter_error": error,
        "query": filters.query(),
        "choices": selectors.filter_choices(),
        "watcher": selectors.may_watch(request.user),
    }


def report_map(request):
    filters, error = _filters(request)
    return render(request, "situation/map.html", _filter_context(request, filters, error))


def report_list(request):
    filters, error = _filters(request)
    page = Paginator(selectors.reports_for(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = _filter_context(request, filters, error)
    context.update(page=page, facts=list(page.object_list))
    return render(request, "situation/list.html", context)


def report_detail(request, pk: int):
    appeal = selectors.public_report(pk)
    if appeal is None:
        raise Http404(_("No such report on the public map."))
    fact = getattr(appeal, "fact", None)
    return render(
        request,
        "situation/report.html",
        {
            "appeal": appeal,
            "fact": fact,
            "is_open": fact is not None and fact.status in OPEN_STATUSES,
            "timeline": selectors.public_timeline(appeal),
            "photos": selectors.public_photos(appeal),
            "supported": selectors.supported_by(request.user, appeal),
            "is_author": request.user.is_authenticated and appeal.author_id == request.user.pk,
            "login_url": f"{reverse('account_login')}?next={quote(request.get_full_path())}",
        },
    )


@require_POST
def report_support(request, pk: int):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={quote(request.path)}")
    try:
        if request.POST.get("action") == "withdraw":
            services.support_withdraw(actor=request.user, appeal_id=pk)
            messages.success(request, _("Your support is withdrawn."))
        else:
            services.support_add(actor=request.user, appeal_id=pk)
            messages.success(request, _("Thank you: your support is counted."))
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("situation:report", pk=pk)


def report_photo(request, pk: int, photo_pk: int):
    photo = selectors.public_photo(pk, photo_pk)
    if photo is None:
        raise Http404(_("No such photo."))
    response = FileResponse(default_storage.open(photo.file.name, "rb"))
    response["Content-Type"] = photo.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- Filing in three steps ------------------------------------------------------------------


def _may_file(request):
    """None when the person may file; otherwise the page that says what to do first."""
    user = request.user
    missing = profile_missing_fields(user) if user.is_authenticated else []
    if user.is_authenticated and not missing:
        return None
    return render(
        request,
        "situation/cannot_file.html",
        {
            "missing": missing,
            "login_url": f"{reverse('account_login')}?next={quote(request.get_full_path())}",
        },
    )


def _draft(request) -> dict:
    return dict(request.session.get(DRAFT) or {})


@require_http_methods(["GET", "POST"])
def file_point(request):
    refused = _may_file(request)
    if refused:
        return refused
    draft = _draft(request)
    if request.method == "POST":
        form = PointForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if district_for_point(lat=data["latitude"], lon=data["longitude"]) is None:
                form.add_error(
                    None,
                    _("The point lies outside the community: choose a place within it."),
                )
            else:
                draft.update(
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    location_text=data.get("location_text") or "",
                )
                request.session[DRAFT] = draft
                return redirect("situation:file_category")
    else:
        form = PointForm(
            initial={k: draft.get(k) for k in ("latitude", "longitude", "location_text")}
        )
    query = (request.POST.get("address_query") or request.GET.get("address_query") or "").strip()
    found = selectors.addresses_matching(query) if query else []
    return render(
        request,
        "situation/file_point.html",
        {"form": form, "step": 1, "address_query": query, "addresses": found},
    )


@require_http_methods(["GET", "POST"])
def file_category(request):
    refused = _may_file(request)
    if refused:
        return refused
    draft = _draft(request)
    if "latitude" not in draft:
        return redirect("situation:file_point")
    if request.method == "POST":
        form = CategoryForm(request.POST)
        if form.is_valid():
            draft["category"] = form.cleaned_data["category"].pk
            request.session[DRAFT] = draft
            return redirect("situation:file_describe")
    else:
        form = CategoryForm(initial={"category": draft.get("category")})
    return render(request, "situation/file_category.html", {"form": form, "step": 2})


@require_http_methods(["GET", "POST"])
def file_describe(request):
    refused = _may_file(request)
    if refused:
        return refused
    draft = _draft(request)
    category = Category.objects.filter(pk=draft.get("category")).first()
    if "latitude" not in draft:
        return redirect("situation:file_point")
    if category is None:
        return redirect("situation:file_category")
    if request.method == "POST":
        form = DescriptionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                appeal = services.problem_report_file(
                    actor=request.user,
                    category=category,
                    subject=form.cleaned_data["subject"],
                    text=form.cleaned_data["text"],
                    latitude=draft["latitude"],
                    longitude=draft["longitude"],
                    location_text=draft.get("location_text", ""),
                    is_public=form.cleaned_data["is_public"],
                    photos=request.FILES.getlist("photos"),
                )
            except ApplicationError as exc:
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, exc.message)
            else:
                request.session.pop(DRAFT, None)
                messages.success(
                    request,
                    _("Your report is accepted with number %(number)s.")
                    % {"number": appeal.number},
                )
                if appeal.is_public:
                    return redirect("situation:report", pk=appeal.pk)
                return redirect(appeal)
    else:
        form = DescriptionForm()
    nearby = selectors.nearby_open(
        latitude=draft["latitude"], longitude=draft["longitude"], category_id=category.pk
    )
    return render(
        request,
        "situation/file_describe.html",
        {
            "form": form,
            "step": 3,
            "category": category,
            "draft": draft,
            "nearby": nearby,
            "photos_max": settings.SITUATION_PHOTOS_MAX,
        },
    )
