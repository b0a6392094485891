"""The filters of the map, the list and the dashboard's links: one parser, one query string.

The same parameters in the page's address, the list's and the GeoJSON API's, so a shared
link or a figure of the dashboard opens exactly the reports behind it.
"""

import math
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from hromada.appeals.models import Kind
from hromada.core.errors import ValidationFailed
from hromada.situation.models import Status


@dataclass(frozen=True)
class ReportFilters:
    categories: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()
    districts: tuple[int, ...] = ()
    addressee: int | None = None
    received_from: date | None = None
    received_to: date | None = None
    resolved_from: date | None = None
    resolved_to: date | None = None
    # Staff only (the dashboard's links): other kinds of appeal and private reports.
    kinds: tuple[str, ...] = field(default=())
    # "support": the most supported first (their priority); otherwise the newest first.
    sort: str = ""
    # A place, "west,south,east,north": the dashboard's recurring problems link to theirs.
    bbox: str = ""

    @property
    def is_empty(self) -> bool:
        return self == ReportFilters()

    def query(self, **overrides) -> str:
        """The query string that gives these filters back (for links and shared addresses)."""
        values = {**self.__dict__, **overrides}
        pairs: list[tuple[str, str]] = []
        pairs += [("category", str(v)) for v in values["categories"]]
        pairs += [("status", v) for v in values["statuses"]]
        pairs += [("district", str(v)) for v in values["districts"]]
        pairs += [("kind", v) for v in values["kinds"]]
        if values["addressee"]:
            pairs.append(("addressee", str(values["addressee"])))
        for name in ("received_from", "received_to", "resolved_from", "resolved_to"):
            if values[name]:
                pairs.append((name, values[name].isoformat()))
        if values["sort"]:
            pairs.append(("sort", values["sort"]))
        if values["bbox"]:
            pairs.append(("bbox", values["bbox"]))
        return urlencode(pairs)


def _ids(data: QueryDict, name: str) -> tuple[int, ...]:
    values = [v for v in data.getlist(name) if v != ""]
    if not all(v.isdigit() and len(v) < 10 for v in values):
        raise ValidationFailed(_("Choose from the list."), field=name)
    return tuple(sorted({int(v) for v in values}))


def _date(data: QueryDict, name: str) -> date | None:
    value = (data.get(name) or "").strip()
    if not value:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationFailed(_("Enter a date as YYYY-MM-DD."), field=name)
    return parsed


def parse_filters(data: QueryDict) -> ReportFilters:
    statuses = tuple(sorted({v for v in data.getlist("status") if v}))
    if any(v not in Status.values for v in statuses):
        raise ValidationFailed(_("Choose the status from the list."), field="status")
    kinds = tuple(sorted({v for v in data.getlist("kind") if v}))
    if any(v not in Kind.values or v == Kind.CORRUPTION_REPORT for v in kinds):
        raise ValidationFailed(_("Choose the kind from the list."), field="kind")
    addressee = _ids(data, "addressee")
    filters = ReportFilters(
        categories=_ids(data, "category"),
        statuses=statuses,
        districts=_ids(data, "district"),
        addressee=addressee[0] if addressee else None,
        received_from=_date(data, "received_from"),
        received_to=_date(data, "received_to"),
        resolved_from=_date(data, "resolved_from"),
        resolved_to=_date(data, "resolved_to"),
        kinds=kinds,
        sort="support" if data.get("sort") == "support" else "",
        bbox=data.get("bbox", "").strip()[:200],
    )
    if filters.bbox:
        parse_bbox(filters.bbox)
    for start, end in (("received_from", "received_to"), ("resolved_from", "resolved_to")):
        first, last = getattr(filters, start), getattr(filters, end)
        if first and last and first > last:
            raise ValidationFailed(_("The start date is after the end date."), field=start)
    return filters


@dataclass(frozen=True)
class Box:
    south: float
    west: float
    north: float
    east: float


def parse_bbox(value: str) -> Box:
    """`west,south,east,north` in degrees (the order of GeoJSON and OGC APIs)."""
    try:
        west, south, east, north = (float(part) for part in value.split(","))
    except (ValueError, AttributeError) as exc:
        raise ValidationFailed(
            _("Give the map's box as west,south,east,north in degrees."), field="bbox"
        ) from exc
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise ValidationFailed(_("The box has impossible coordinates."), field="bbox")
    west, east = max(west, -180.0), min(east, 180.0)
    south, north = max(south, -90.0), min(north, 90.0)
    if south >= north or west >= east:
        raise ValidationFailed(_("The box is empty: south must be below north."), field="bbox")
    return Box(south=south, west=west, north=north, east=east)


def filter_facts(queryset, filters: ReportFilters):
    """Narrow an AppealFact queryset by the filters (visibility is the selectors' job)."""
    if filters.bbox:
        box = parse_bbox(filters.bbox)
        queryset = queryset.filter(
            latitude__range=(box.south, box.north), longitude__range=(box.west, box.east)
        )
    if filters.categories:
        queryset = queryset.filter(category_id__in=filters.categories)
    if filters.statuses:
        queryset = queryset.filter(status__in=filters.statuses)
    if filters.districts:
        queryset = queryset.filter(district_id__in=filters.districts)
    if filters.addressee:
        queryset = queryset.filter(addressee_id=filters.addressee)
    if filters.received_from:
        queryset = queryset.filter(received_on__gte=filters.received_from)
    if filters.received_to:
        queryset = queryset.filter(received_on__lte=filters.received_to)
    if filters.resolved_from:
        queryset = queryset.filter(resolved_on__gte=filters.resolved_from)
    if filters.resolved_to:
        queryset = queryset.filter(resolved_on__lte=filters.resolved_to)
    return queryset
