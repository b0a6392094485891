from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from hromada.directory import selectors
from hromada.directory.blocks import addressee_blocks
from hromada.directory.models import Addressee, AddresseeGroup

VIEWS = ("tree", "list", "map")


def _office_point(addressee: Addressee) -> dict:
    return {
        "name": addressee.name,
        "lat": addressee.latitude,
        "lon": addressee.longitude,
        "address": addressee.office_address,
        "url": addressee.get_absolute_url(),
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
        offices = selectors.office_points(group=group)
        context["offices"] = offices
        context["office_points"] = [_office_point(office) for office in offices]
    elif query or view == "list":
        addressees = selectors.catalogue(group=group, query=query)
        ancestry = selectors.ancestry()
        context["results"] = [(a, selectors.breadcrumbs(a.pk, ancestry)) for a in addressees]
    else:
        addressees = selectors.catalogue(group=group)
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
        "office_points": [_office_point(found)] if found.latitude is not None else [],
    }
    return render(request, "directory/addressee.html", context)


@require_GET
def addressee_photo(request, slug: str):
    """Photos are public content, but media storage is private: serve them one by one."""
    found = get_object_or_404(Addressee, slug=slug, is_published=True)
    if not found.photo or not default_storage.exists(found.photo.name):
        raise Http404
    response = FileResponse(default_storage.open(found.photo.name, "rb"))
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
