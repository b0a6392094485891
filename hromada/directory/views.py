from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from hromada.directory import selectors
from hromada.directory.blocks import addressee_blocks
from hromada.directory.models import Addressee, AddresseeGroup, addressee_url_prefix

VIEWS = ("tree", "list", "map")
PAGE_SIZE = 100


def _office_point(addressee, prefix: str) -> dict:
    return {
        "name": addressee.name,
        "lat": addressee.latitude,
        "lon": addressee.longitude,
        "address": addressee.office_address,
        "url": f"{prefix}{addressee.slug}/",
    }


@require_GET
def catalogue(request, group_slug: str | None = None):
    """The public catalogue; under /groups/<code>/ it shows that group only."""
    locked_group = get_object_or_404(AddresseeGroup, slug=group_slug) if group_slug else None
    group = locked_group
    if group is None and request.GET.get("group"):
        group = AddresseeGroup.objects.filter(slug=request.GET["group"]).first()
    query = request.GET.get("q", "").strip()[:200]
    view = request.GET.get("view", "tree")
    if view not in VIEWS:
        view = "tree"
    context = {
        "locked_group": locked_group,
        "group": group,
        "groups": [] if locked_group else selectors.group_list(),
        "query": query,
        "view": view,
    }
    if view == "map":
        offices = selectors.office_points(group=group, query=query)
        context["offices"] = offices
        prefix = addressee_url_prefix()
        context["office_points"] = [_office_point(office, prefix) for office in offices]
    elif query or view == "list":  # a search is shown as a list, unless on the map
        page = Paginator(selectors.catalogue(group=group, query=query), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        ancestry = selectors.ancestry()
        page.object_list = [(a, selectors.breadcrumbs(a.pk, ancestry)) for a in page.object_list]
        other = request.GET.copy()
        other.pop("page", None)
        context.update(results=True, page=page, page_query=f"{other.urlencode()}&" if other else "")
    else:
        addressees = list(selectors.catalogue(group=group))
        context["rows"] = selectors.tree_rows(selectors.build_tree(addressees))
    return render(request, "directory/catalogue.html", context)


@require_GET
def addressee(request, slug: str):
    try:
        found = selectors.addressee_detail(slug=slug)
    except Addressee.DoesNotExist as exc:
        raise Http404 from exc
    for schedule in found.schedules.all():
        schedule.week_rows = selectors.week_rows(schedule)
    context = {
        "addressee": found,
        "breadcrumbs": selectors.breadcrumbs(found.pk, selectors.ancestry()),
        "status": selectors.addressee_status(found),
        "blocks": addressee_blocks(request, found),
        "office_points": [_office_point(found, addressee_url_prefix())]
        if found.latitude is not None
        else [],
    }
    return render(request, "directory/addressee.html", context)


@require_GET
def addressee_photo(request, slug: str):
    """Photos are public content, but media storage is private: serve them one by one."""
    found = get_object_or_404(Addressee, slug=slug, is_published=True)
    if not found.photo or not default_storage.exists(found.photo.name):
        raise Http404
    response = FileResponse(default_storage.open(found.photo.name, "rb"))
    # The page links the photo with ?v=<version>, which changes with the photo: that address
    # may be cached for good. Any other address must be checked again each time.
    if request.GET.get("v") == found.photo_version:
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response
