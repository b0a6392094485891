"""Keeping the situation centre's tables true to the appeals.

`fact_sync` is called by the appeals services (hromada.appeals.services.common._event and the
overdue job) inside the transaction of every change of an appeal: it rewrites the appeal's
AppealFact and moves its counts between the aggregate rows with F() updates. `facts_rebuild`
recomputes everything from the appeals (after an import, or to repair).
"""

import math
from collections import defaultdict
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    IntegerField,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    ExtractMonth,
    ExtractYear,
    Floor,
    TruncDate,
)

from hromada.appeals.models import Appeal, Kind, State
from hromada.core.deadlines import KYIV
from hromada.situation.models import AppealFact, DailyCount, DailyTotal, MapCell, Status

# Zoom levels with pre-counted cells; the map's finer zooms read the points themselves.
LEVELS = range(8, 16)
# MapCell.month of the rows that count every month together: the map without date filters
# sums these, sixty times fewer than five years of monthly rows.
ALL_MONTHS = 0
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


# What the rebuild groups the facts by, per level and slice: a MapCell's key.
CELL_GROUP = (
    "g_cx", "g_cy", "is_public", "category_id", "district_id", "g_addressee", "status", "g_month"
)  # fmt: skip


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
    received = day.year * 100 + day.month
    # (slice, addressee, month) of the rows this report is counted in, at every level.
    slices = [
        (MapCell.Slice.RECEIVED, 0, received),
        (MapCell.Slice.RECEIVED, 0, ALL_MONTHS),
        (MapCell.Slice.ADDRESSEE, fact.addressee_id, ALL_MONTHS),
    ]
    if fact.resolved_on is not None:
        resolved = fact.resolved_on.year * 100 + fact.resolved_on.month
        slices.append((MapCell.Slice.RESOLVED, 0, resolved))
    for level in LEVELS:
        cx, cy = cell_of(level, lat=fact.latitude, lon=fact.longitude)
        for part, addressee, month in slices:
            cell = (
                "map_cell",
                ("level", level),
                ("slice", int(part)),
                ("cx", cx),
                ("cy", cy),
                ("is_public", fact.is_public),
                ("category_id", fact.category_id),
                ("district_id", fact.district_id),
                ("addressee_id", addressee),
                ("status", fact.status),
                ("month", month),
            )
            changes[cell]["count"] += sign
            changes[cell]["sum_lat"] += sign * fact.latitude
            changes[cell]["sum_lon"] += sign * fact.longitude


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


def facts_rebuild() -> int:
    """Recompute every fact and count from the appeals; return the number of facts.

    One INSERT … SELECT computed by the database (status, local days), so that a million
    appeals take seconds, not the time of a million Python objects.
    """
    with transaction.atomic():
        MapCell.objects.all().delete()
        DailyTotal.objects.all().delete()
        DailyCount.objects.all().delete()
        AppealFact.objects.all().delete()
        _insert_facts()
        counts_rebuild()
    return AppealFact.objects.count()


def _status_expression():
    done = (State.ANSWERED, State.CLOSED)
    other = (State.RETURNED, State.FORWARDED, State.NOT_CONSIDERED, State.DUPLICATE)
    return Case(
        When(state__in=done, then=Value(str(Status.DONE))),
        When(state__in=other, then=Value(str(Status.OTHER))),
        When(is_overdue=True, then=Value(str(Status.OVERDUE))),
        When(state__in=(State.SUBMITTED, State.REGISTERED), then=Value(str(Status.NEW))),
        default=Value(str(Status.IN_WORK)),
        output_field=CharField(),
    )


def _insert_facts() -> None:
    done = (State.ANSWERED, State.CLOSED)
    other = (State.RETURNED, State.FORWARDED, State.NOT_CONSIDERED, State.DUPLICATE)
    columns = {
        "appeal_id": F("pk"),
        "kind": F("kind"),
        "status": _status_expression(),
        "is_public": F("is_public"),
        "category_id": Coalesce("category_id", 0),
        "district_id": Coalesce("district_id", 0),
        "addressee_id": Coalesce("addressee_id", 0),
        "latitude": F("latitude"),
        "longitude": F("longitude"),
        "received_at": F("received_at"),
        "received_on": TruncDate("received_at", tzinfo=KYIV),
        "resolved_on": Case(
            When(
                state__in=done,
                then=TruncDate(Coalesce("answered_at", "closed_at"), tzinfo=KYIV),
            ),
            When(state__in=other, then=TruncDate("closed_at", tzinfo=KYIV)),
            default=None,
            output_field=DateField(),
        ),
        "support_count": F("support_count"),
    }
    appeals = Appeal.objects.exclude(kind__in=EXCLUDED_KINDS)
    aliases = {f"x_{name}": expression for name, expression in columns.items()}
    _insert_select(AppealFact, columns, appeals.annotate(**aliases))


def _insert_select(model, columns: dict, queryset) -> None:
    """INSERT INTO model (columns) SELECT …: the rows never pass through Python."""
    aliases = {f"x_{name}": expression for name, expression in columns.items()}
    select = queryset.order_by().values_list(*aliases)
    sql, params = select.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(
        connection.ops.quote_name(model._meta.get_field(name).column) for name in columns
    )
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)


def counts_rebuild() -> None:
    """The aggregate tables from the facts, in a few grouped INSERT … SELECTs."""
    facts = AppealFact.objects.all()
    _insert_select(
        DailyCount,
        {
            "day": F("received_on"),
            "kind": F("kind"),
            "district_id": F("district_id"),
            "category_id": F("category_id"),
            "status": F("status"),
            "count": Count("pk"),
        },
        facts.values("received_on", "kind", "district_id", "category_id", "status").annotate(
            x_day=F("received_on"),
            x_kind=F("kind"),
            x_district_id=F("district_id"),
            x_category_id=F("category_id"),
            x_status=F("status"),
            x_count=Count("pk"),
        ),
    )
    _insert_select(
        DailyTotal,
        {"day": None, "kind": None, "status": None, "count": None},
        facts.values("received_on", "kind", "status").annotate(
            x_day=F("received_on"), x_kind=F("kind"), x_status=F("status"), x_count=Count("pk")
        ),
    )
    points = facts.filter(kind=Kind.PROBLEM_REPORT, latitude__isnull=False)
    received = ExtractYear("received_on") * 100 + ExtractMonth("received_on")
    resolved = ExtractYear("resolved_on") * 100 + ExtractMonth("resolved_on")
    zero = Value(0, output_field=IntegerField())
    slices = (
        (MapCell.Slice.RECEIVED, points, zero, received),
        (MapCell.Slice.RECEIVED, points, zero, Value(ALL_MONTHS, output_field=IntegerField())),
        (
            MapCell.Slice.ADDRESSEE,
            points,
            F("addressee_id"),
            Value(ALL_MONTHS, output_field=IntegerField()),
        ),
        (MapCell.Slice.RESOLVED, points.filter(resolved_on__isnull=False), zero, resolved),
    )
    names = (
        "level", "slice", "cx", "cy", "is_public", "category_id", "district_id",
        "addressee_id", "status", "month", "count", "sum_lat", "sum_lon",
    )  # fmt: skip
    for level in LEVELS:
        size = cell_size(level)
        for part, rows, addressee, month in slices:
            grouped = (
                rows.annotate(
                    g_cx=Cast(Floor((F("longitude") + 180.0) / size), output_field=IntegerField()),
                    g_cy=Cast(Floor((F("latitude") + 90.0) / size), output_field=IntegerField()),
                    g_addressee=addressee,
                    g_month=month,
                )
                .values(*CELL_GROUP)
                .annotate(
                    x_level=Value(level, output_field=IntegerField()),
                    x_slice=Value(int(part), output_field=IntegerField()),
                    x_cx=F("g_cx"),
                    x_cy=F("g_cy"),
                    x_is_public=F("is_public"),
                    x_category_id=F("category_id"),
                    x_district_id=F("district_id"),
                    x_addressee_id=F("g_addressee"),
                    x_status=F("status"),
                    x_month=F("g_month"),
                    x_count=Count("pk"),
                    x_sum_lat=Sum("latitude"),
                    x_sum_lon=Sum("longitude"),
                )
            )
            _insert_select(MapCell, dict.fromkeys(names), grouped)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (AppealFact, DailyCount, DailyTotal, MapCell):
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
