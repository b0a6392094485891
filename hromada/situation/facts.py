"""Keeping the situation centre's tables true to the appeals.

`fact_sync` is called by the appeals services (hromada.appeals.services.common._event and the
overdue job) inside the transaction of every change of an appeal: it rewrites the appeal's
AppealFact and moves its counts between the aggregate rows with F() updates. `facts_rebuild`
recomputes everything from the appeals (after an import, or to repair).
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, FloatField, Sum
from django.db.models.functions import Cast, ExtractMonth, ExtractYear, Floor

from hromada.appeals.models import Appeal, Kind, State
from hromada.core.deadlines import KYIV
from hromada.situation.models import AppealFact, DailyCount, DailyTotal, MapCell, Status

# Zoom levels with pre-counted cells; the map's finer zooms read the points themselves.
LEVELS = range(6, 16)
# Reports of possible corruption are a restricted track: not even counted here.
EXCLUDED_KINDS = (Kind.CORRUPTION_REPORT,)
FACT_FIELDS = (
    "kind",
    "status",
    "is_public",
    "category_id",
    "district_id",
    "addressee_id",
    "latitude",
    "longitude",
    "received_at",
    "received_on",
    "resolved_on",
)


def cell_size(level: int) -> float:
    return 360 / 2 ** (level + 1)


def cell_of(level: int, *, lat: float, lon: float) -> tuple[int, int]:
    size = cell_size(level)
    return math.floor((lon + 180) / size), math.floor((lat + 90) / size)


def status_of(*, state: str, is_overdue: bool) -> str:
    if state in (State.ANSWERED, State.CLOSED):
        return Status.DONE
    if state in (State.RETURNED, State.FORWARDED, State.NOT_CONSIDERED, State.DUPLICATE):
        return Status.OTHER
    if is_overdue:
        return Status.OVERDUE
    if state in (State.SUBMITTED, State.REGISTERED):
        return Status.NEW
    return Status.IN_WORK


def _local_day(moment) -> date | None:
    return moment.astimezone(KYIV).date() if moment else None


def fact_values(appeal: Appeal) -> dict:
    status = status_of(state=appeal.state, is_overdue=appeal.is_overdue)
    resolved = None
    if status == Status.DONE:
        resolved = appeal.answered_at or appeal.closed_at
    elif status == Status.OTHER:
        resolved = appeal.closed_at
    return {
        "kind": appeal.kind,
        "status": status,
        "is_public": appeal.is_public,
        "category_id": appeal.category_id or 0,
        "district_id": appeal.district_id or 0,
        "addressee_id": appeal.addressee_id or 0,
        "latitude": appeal.latitude,
        "longitude": appeal.longitude,
        "received_at": appeal.received_at,
        "received_on": _local_day(appeal.received_at),
        "resolved_on": _local_day(resolved),
    }


def fact_sync(appeal: Appeal) -> AppealFact | None:
    """Bring the appeal's fact and the counts up to date; a no-op when nothing changed."""
    if appeal.kind in EXCLUDED_KINDS:
        return None
    values = fact_values(appeal)
    with transaction.atomic():
        fact = AppealFact.objects.select_for_update().filter(pk=appeal.pk).first()
        if fact is not None and all(getattr(fact, k) == v for k, v in values.items()):
            return fact
        changes: dict[tuple, dict] = defaultdict(lambda: defaultdict(float))
        if fact is not None:
            _contributions(fact, -1, changes)
            for name, value in values.items():
                setattr(fact, name, value)
            fact.save(update_fields=list(values))
        else:
            fact = AppealFact.objects.create(
                appeal_id=appeal.pk, support_count=appeal.support_count, **values
            )
        _contributions(fact, +1, changes)
        _apply(changes)
    return fact


def _contributions(fact: AppealFact, sign: int, changes: dict) -> None:
    day = fact.received_on
    changes[
        (
            "daily_count",
            ("day", day),
            ("kind", fact.kind),
            ("district_id", fact.district_id),
            ("category_id", fact.category_id),
            ("status", fact.status),
        )
    ]["count"] += sign
    changes[("daily_total", ("day", day), ("kind", fact.kind), ("status", fact.status))][
        "count"
    ] += sign
    if fact.kind != Kind.PROBLEM_REPORT or fact.latitude is None:
        return
    month = day.year * 100 + day.month
    for level in LEVELS:
        cx, cy = cell_of(level, lat=fact.latitude, lon=fact.longitude)
        key = (
            "map_cell",
            ("level", level),
            ("cx", cx),
            ("cy", cy),
            ("is_public", fact.is_public),
            ("category_id", fact.category_id),
            ("district_id", fact.district_id),
            ("status", fact.status),
            ("month", month),
        )
        changes[key]["count"] += sign
        changes[key]["sum_lat"] += sign * fact.latitude
        changes[key]["sum_lon"] += sign * fact.longitude


MODELS = {"daily_count": DailyCount, "daily_total": DailyTotal, "map_cell": MapCell}


def _apply(changes: dict) -> None:
    # One fixed order of rows for every transaction: two changes never wait on each other
    # in a circle (a deadlock on PostgreSQL).
    for key in sorted(changes, key=repr):
        deltas = dict(changes[key])
        if not deltas.get("count"):
            continue
        model = MODELS[key[0]]
        keys = dict(key[1:])
        deltas["count"] = int(deltas["count"])
        update = {name: F(name) + value for name, value in deltas.items()}
        if model.objects.filter(**keys).update(**update):
            continue
        try:
            with transaction.atomic():
                model.objects.create(**keys, **deltas)
        except IntegrityError:
            # Another transaction created the row meanwhile: it is there now.
            model.objects.filter(**keys).update(**update)


def facts_for(appeals: Iterable[Appeal]) -> None:
    for appeal in appeals:
        fact_sync(appeal)


def facts_rebuild(*, batch: int = 5000) -> int:
    """Recompute every fact and count from the appeals; return the number of facts."""
    fields = (
        "pk",
        "kind",
        "state",
        "is_overdue",
        "is_public",
        "category_id",
        "district_id",
        "addressee_id",
        "latitude",
        "longitude",
        "received_at",
        "answered_at",
        "closed_at",
        "support_count",
    )
    total = 0
    with transaction.atomic():
        MapCell.objects.all().delete()
        DailyTotal.objects.all().delete()
        DailyCount.objects.all().delete()
        AppealFact.objects.all().delete()
        rows = (
            Appeal.objects.exclude(kind__in=EXCLUDED_KINDS)
            .order_by("pk")
            .values_list(*fields)
            .iterator(chunk_size=batch)
        )
        pending = []
        for row in rows:
            appeal = Appeal(**dict(zip(fields, row, strict=True)))
            pending.append(
                AppealFact(
                    appeal_id=appeal.pk, support_count=appeal.support_count, **fact_values(appeal)
                )
            )
            if len(pending) >= batch:
                AppealFact.objects.bulk_create(pending)
                total += len(pending)
                pending = []
        AppealFact.objects.bulk_create(pending)
        total += len(pending)
        counts_rebuild()
    return total


def counts_rebuild() -> None:
    """The aggregate tables from the facts, in a few grouped queries."""
    keys = ("received_on", "kind", "district_id", "category_id", "status")
    DailyCount.objects.bulk_create(
        DailyCount(
            day=row["received_on"],
            kind=row["kind"],
            district_id=row["district_id"],
            category_id=row["category_id"],
            status=row["status"],
            count=row["n"],
        )
        for row in AppealFact.objects.values(*keys).annotate(n=Count("pk")).order_by()
    )
    DailyTotal.objects.bulk_create(
        DailyTotal(day=row["received_on"], kind=row["kind"], status=row["status"], count=row["n"])
        for row in AppealFact.objects.values("received_on", "kind", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    points = AppealFact.objects.filter(kind=Kind.PROBLEM_REPORT, latitude__isnull=False)
    month = ExtractYear("received_on") * 100 + ExtractMonth("received_on")
    for level in LEVELS:
        size = cell_size(level)
        grouped = (
            points.annotate(
                cx=Cast(Floor((F("longitude") + 180.0) / size), output_field=FloatField()),
                cy=Cast(Floor((F("latitude") + 90.0) / size), output_field=FloatField()),
                month=month,
            )
            .values("cx", "cy", "is_public", "category_id", "district_id", "status", "month")
            .annotate(n=Count("pk"), slat=Sum("latitude"), slon=Sum("longitude"))
            .order_by()
        )
        MapCell.objects.bulk_create(
            (
                MapCell(
                    level=level,
                    cx=int(row["cx"]),
                    cy=int(row["cy"]),
                    is_public=row["is_public"],
                    category_id=row["category_id"],
                    district_id=row["district_id"],
                    status=row["status"],
                    month=int(row["month"]),
                    count=row["n"],
                    sum_lat=row["slat"],
                    sum_lon=row["slon"],
                )
                for row in grouped.iterator(chunk_size=5000)
            ),
            batch_size=5000,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (AppealFact, DailyCount, DailyTotal, MapCell):
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
