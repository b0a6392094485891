"""Reading the map, the lists and one report; the dashboard's figures are in dashboard.py.

The public sees public problem reports only; nothing here returns an author's name, e-mail
or address. The staff who watch the dashboard also see private reports and other kinds of
appeal in the lists behind its figures, still without personal data.
"""

import calendar
import math
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, F, IntegerField, Sum
from django.db.models.functions import Cast, Floor
from django.urls import reverse

from hromada.appeals.models import Appeal, Attachment, Category, Event, Kind
from hromada.directory.models import Addressee
from hromada.situation.facts import ALL_MONTHS, LEVELS, cell_size
from hromada.situation.filters import Box, ReportFilters, filter_facts
from hromada.situation.models import OPEN_STATUSES, Address, AppealFact, MapCell, Status

EARTH_RADIUS_M = 6_371_000
# Past this zoom the map reads single reports: a street's worth of them.
FINEST_CELL_ZOOM = max(LEVELS)


def public_facts():
    return AppealFact.objects.filter(is_public=True, kind=Kind.PROBLEM_REPORT)


def may_watch(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("situation.view_dashboard"))


def reports_for(user, filters: ReportFilters):
    """The reports behind a list: public ones for everybody, every appeal for the watchers."""
    if may_watch(user):
        facts = AppealFact.objects.all()
        if filters.kinds:
            facts = facts.filter(kind__in=filters.kinds)
    else:
        facts = public_facts()
    order = ("-received_at", "-appeal_id")
    if filters.sort == "support":
        order = ("-support_count", *order)
    return (
        filter_facts(facts, filters)
        .select_related("appeal__category", "appeal__district", "appeal__addressee")
        .order_by(*order)
    )


def public_report(pk: int) -> Appeal | None:
    return (
        Appeal.objects.filter(pk=pk, kind=Kind.PROBLEM_REPORT, is_public=True)
        .select_related("category", "district", "addressee", "fact")
        .first()
    )


def public_timeline(appeal: Appeal) -> list[Event]:
    """The steps shown to the author, without who took them (names are personal data)."""
    return list(appeal.events.filter(is_public=True).only("created_at", "action", "appeal_id"))


def public_photos(appeal: Appeal) -> list[Attachment]:
    return list(
        appeal.attachments.filter(answer__isnull=True, content_type__startswith="image/").only(
            "pk", "original_name", "appeal_id"
        )
    )


def public_photo(appeal_pk: int, photo_pk: int) -> Attachment | None:
    return Attachment.objects.filter(
        pk=photo_pk,
        appeal_id=appeal_pk,
        appeal__kind=Kind.PROBLEM_REPORT,
        appeal__is_public=True,
        answer__isnull=True,
        content_type__startswith="image/",
    ).first()


def supported_by(user, appeal: Appeal) -> bool:
    return bool(user.is_authenticated and appeal.supports.filter(user=user).exists())


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Nearby:
    appeal: Appeal
    metres: int


def nearby_open(*, latitude: float, longitude: float, category_id: int, limit: int = 5):
    """Open public reports of the category near the point: offered before filing a duplicate."""
    radius = settings.SITUATION_NEARBY_METRES
    dlat = radius / 111_320
    dlon = radius / (111_320 * max(math.cos(math.radians(latitude)), 0.01))
    facts = (
        public_facts()
        .filter(
            category_id=category_id,
            status__in=OPEN_STATUSES,
            latitude__range=(latitude - dlat, latitude + dlat),
            longitude__range=(longitude - dlon, longitude + dlon),
        )
        .select_related("appeal")
        .order_by("-support_count", "-received_at")[:200]
    )
    found = [
        Nearby(fact.appeal, round(distance_m(latitude, longitude, fact.latitude, fact.longitude)))
        for fact in facts
    ]
    found = [item for item in found if item.metres <= radius]
    found.sort(key=lambda item: (item.metres, -item.appeal.support_count))
    return found[:limit]


def addresses_matching(query: str, *, limit: int = 10) -> list[Address]:
    words = query.lower().split()
    if not words:
        return []
    addresses = Address.objects.all()
    for word in words[:5]:
        addresses = addresses.filter(search_text__contains=word)
    return list(addresses.order_by("street", "house")[:limit])


# --- The map --------------------------------------------------------------------------------


def _month(day) -> int:
    return day.year * 100 + day.month


def _uses_cells(filters: ReportFilters, zoom: int) -> bool:
    return zoom <= FINEST_CELL_ZOOM and not filters.bbox


@dataclass(frozen=True)
class Period:
    """A filter's days split into whole months, which the cells count, and the days at its
    edges, which the facts' indexes count. ``months`` is None when no whole month is inside;
    either of its bounds (first and last day) is None when the filter leaves that side open."""

    months: tuple[date | None, date | None] | None
    edges: tuple[tuple[date, date], ...]


def split_period(start: date | None, end: date | None) -> Period:
    first = start if start is None or start.day == 1 else _next_month(start)
    last = end
    if end is not None and end.day != calendar.monthrange(end.year, end.month)[1]:
        last = end.replace(day=1) - timedelta(days=1)
    if first is not None and last is not None and first > last:
        return Period(months=None, edges=((start, end),))
    edges = []
    if start is not None and first != start:
        edges.append((start, first - timedelta(days=1)))
    if end is not None and last != end:
        edges.append((last + timedelta(days=1), end))
    return Period(months=(first, last), edges=tuple(edges))


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def map_features(*, filters: ReportFilters, box: Box, zoom: int) -> dict:
    """The public map's GeoJSON: clusters (count and centre) or, when few, single reports."""
    zoom = max(0, min(int(zoom), 22))
    limit = settings.SITUATION_MAP_POINTS_MAX
    if _uses_cells(filters, zoom):
        counted = clusters_counted(filters, box, max(zoom, min(LEVELS)))
        clusters = [(n, slat / n, slon / n) for n, slat, slon in counted.values() if n > 0]
        if sum(n for n, _lat, _lon in clusters) > limit:
            return _collection(_cluster_features(clusters), clustered=True)
    facts = filter_facts(public_facts(), filters).filter(
        latitude__range=(box.south, box.north), longitude__range=(box.west, box.east)
    )
    points = list(
        facts.select_related("appeal").order_by("-support_count", "-received_at")[: limit + 1]
    )
    if len(points) <= limit:
        return _collection(_point_features(points), clustered=False)
    counted = _cells_from_facts(facts, zoom + 1)
    clusters = [(n, slat / n, slon / n) for n, slat, slon in counted.values()]
    return _collection(_cluster_features(clusters), clustered=True)


@dataclass(frozen=True)
class CellRange:
    level: int
    west: int
    east: int
    south: int
    north: int

    @classmethod
    def covering(cls, box: Box, level: int) -> "CellRange":
        size = cell_size(level)
        return cls(
            level=level,
            west=math.floor((box.west + 180) / size),
            east=math.floor((box.east + 180) / size),
            south=math.floor((box.south + 90) / size),
            north=math.floor((box.north + 90) / size),
        )

    def facts(self, facts):
        """Facts within these cells (a little more: the caller keeps the cells' own)."""
        size, margin = cell_size(self.level), 1e-9
        return facts.filter(
            latitude__range=(self.south * size - 90 - margin, (self.north + 1) * size - 90),
            longitude__range=(self.west * size - 180 - margin, (self.east + 1) * size - 180),
        )

    def __contains__(self, cell: tuple[int, int]) -> bool:
        return self.west <= cell[0] <= self.east and self.south <= cell[1] <= self.north


def clusters_counted(filters: ReportFilters, box: Box, level: int) -> dict:
    """Public reports per cell of ``level`` over the box: {(cx, cy): [count, Σlat, Σlon]}.

    Read from the slice of pre-counted cells that keeps the filters, plus the days at the
    edges of a period that are not whole months, counted from the facts' narrow indexes.
    Filters no slice keeps together (an addressee with dates, filing with resolution dates)
    are counted from those indexes alone: an addressee's or a period's reports, not the city's.
    """
    cells = CellRange.covering(box, level)
    received = filters.received_from or filters.received_to
    resolved = filters.resolved_from or filters.resolved_to
    if filters.addressee and not received and not resolved:
        return _from_cells(filters, cells, MapCell.Slice.ADDRESSEE, addressee=filters.addressee)
    if filters.addressee or (received and resolved):
        return _live(filters, cells)
    if resolved:
        period = split_period(filters.resolved_from, filters.resolved_to)
        counted = _from_cells(filters, cells, MapCell.Slice.RESOLVED, months=period)
        for first, last in period.edges:
            edge = replace(filters, resolved_from=first, resolved_to=last)
            _add(counted, _live(edge, cells))
        return counted
    period = split_period(filters.received_from, filters.received_to)
    counted = _from_cells(filters, cells, MapCell.Slice.RECEIVED, months=period)
    for first, last in period.edges:
        _add(counted, _live(replace(filters, received_from=first, received_to=last), cells))
    return counted


def _add(counted: dict, more: dict) -> None:
    for cell, (n, slat, slon) in more.items():
        total = counted.setdefault(cell, [0, 0.0, 0.0])
        total[0] += n
        total[1] += slat
        total[2] += slon


def _from_cells(
    filters: ReportFilters,
    cells: CellRange,
    part: int,
    *,
    addressee: int = 0,
    months: Period | None = None,
) -> dict:
    if months is not None and months.months is None:
        return {}
    rows = MapCell.objects.filter(
        level=cells.level,
        slice=part,
        addressee_id=addressee,
        is_public=True,
        cx__gte=cells.west,
        cx__lte=cells.east,
        cy__gte=cells.south,
        cy__lte=cells.north,
    )
    if filters.categories:
        rows = rows.filter(category_id__in=filters.categories)
    if filters.statuses:
        rows = rows.filter(status__in=filters.statuses)
    if filters.districts:
        rows = rows.filter(district_id__in=filters.districts)
    first, last = months.months if months is not None else (None, None)
    if months is None or (first is None and last is None and part == MapCell.Slice.RECEIVED):
        rows = rows.filter(month=ALL_MONTHS)
    else:
        rows = rows.filter(month__gt=ALL_MONTHS)
        if first is not None:
            rows = rows.filter(month__gte=_month(first))
        if last is not None:
            rows = rows.filter(month__lte=_month(last))
    grouped = (
        rows.values("cx", "cy")
        .annotate(n=Sum("count"), slat=Sum("sum_lat"), slon=Sum("sum_lon"))
        .order_by()
    )
    return {(row["cx"], row["cy"]): [row["n"], row["slat"], row["slon"]] for row in grouped}


def _live(filters: ReportFilters, cells: CellRange) -> dict:
    facts = cells.facts(filter_facts(public_facts(), filters))
    return {
        cell: sums for cell, sums in _cells_from_facts(facts, cells.level).items() if cell in cells
    }


def _cells_from_facts(facts, level: int) -> dict:
    """Cells counted on the fly: {(cx, cy): [count, Σlat, Σlon]}."""
    size = cell_size(level)
    rows = (
        facts.annotate(
            gx=Cast(Floor((F("longitude") + 180.0) / size), output_field=IntegerField()),
            gy=Cast(Floor((F("latitude") + 90.0) / size), output_field=IntegerField()),
        )
        .values("gx", "gy")
        # COUNT(*), not of the key: the fact_map_* indexes hold every column read.
        .annotate(n=Count("*"), slat=Sum("latitude"), slon=Sum("longitude"))
        .order_by()
    )
    return {(int(row["gx"]), int(row["gy"])): [row["n"], row["slat"], row["slon"]] for row in rows}


def _cluster_features(clusters) -> list[dict]:
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
            "properties": {"cluster": True, "count": n},
        }
        for n, lat, lon in clusters
    ]


def _point_features(facts: list[AppealFact]) -> list[dict]:
    categories = dict(Category.objects.values_list("pk", "name")) if facts else {}
    labels = dict(Status.choices)
    return [
        {
            "type": "Feature",
            "id": fact.appeal_id,
            "geometry": {"type": "Point", "coordinates": [fact.longitude, fact.latitude]},
            "properties": {
                "cluster": False,
                "id": fact.appeal_id,
                "number": fact.appeal.number,
                "subject": fact.appeal.subject,
                "category": categories.get(fact.category_id, ""),
                "status": fact.status,
                "status_label": str(labels[fact.status]),
                "supporters": fact.support_count,
                "received": fact.received_on.isoformat(),
                "url": reverse("situation:report", kwargs={"pk": fact.appeal_id}),
            },
        }
        for fact in facts
    ]


def _collection(features: list[dict], *, clustered: bool) -> dict:
    return {"type": "FeatureCollection", "clustered": clustered, "features": features}


def filter_choices() -> dict:
    """What the filter form offers: categories of problem reports, districts, addressees."""
    from hromada.core.models import District

    return {
        "categories": list(Category.objects.filter(for_problem_reports=True).only("pk", "name")),
        "districts": list(District.objects.only("pk", "name")),
        "addressees": list(
            Addressee.objects.filter(is_published=True, routing_rules__isnull=False)
            .distinct()
            .only("pk", "name")
            .order_by("name")
        ),
        "statuses": Status.choices,
    }
