"""Reading for Open311: services (problem-report categories), their attributes, and the
public requests: problem reports marked public. Private reports and reports of possible
corruption never appear (the latter are never problem reports)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Value

from hromada.appeals.models import FINAL_STATES, OPEN_STATE_VALUES, Appeal, Category, Kind, State
from hromada.open311.models import Open311Request, ServiceAttribute

CLOSED_STATE_VALUES = [str(s) for s in (*FINAL_STATES, State.ANSWERED)]


def services() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True, for_problem_reports=True).annotate(
        has_attributes=Exists(ServiceAttribute.objects.filter(category=OuterRef("pk")))
    )


def service(code: str) -> Category | None:
    return (
        services()
        .prefetch_related(
            Prefetch("open311_attributes", queryset=ServiceAttribute.objects.order_by("order"))
        )
        .filter(slug=code)
        .first()
    )


def public_requests() -> QuerySet[Appeal]:
    # ``= true`` spelled out (Value): Django writes a bare ``AND "is_public"`` for ``=True``,
    # which SQLite's planner cannot match to the index's second column, so it sorted the
    # whole kind instead of walking appeal_public_received in order.
    return Appeal.objects.filter(kind=Kind.PROBLEM_REPORT, is_public=Value(True))


# Only the columns a record shows, as plain rows (no model instances: a page holds up to
# 1000 records); the author's columns are never even read.
RECORD_COLUMNS = (
    "pk",
    "state",
    "text",
    "location_text",
    "latitude",
    "longitude",
    "received_at",
    "updated_at",
    "due_at",
    "duplicate_of_id",
    "forwarded_to",
    "category__name",
    "category__slug",
    "addressee__name",
    "open311__address_id",
    "open311__media_url",
)


def _rendered(appeals: QuerySet[Appeal]) -> QuerySet:
    return appeals.values(*RECORD_COLUMNS)


@dataclass(frozen=True)
class Filters:
    ids: list[int] | None = None
    categories: list[int] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None
    statuses: list[str] = field(default_factory=list)


def requests(filters: Filters, *, offset: int, limit: int) -> list[dict]:
    return list(requests_queryset(filters)[offset : offset + limit])


def requests_queryset(filters: Filters) -> QuerySet:
    """Public requests, newest first: walks the appeal_public_received index backwards."""
    appeals = public_requests()
    if filters.ids is not None:
        # The standard: a list of ids overrides every other filter. The ids are looked up by
        # primary key alone and the public ones kept here: with kind in the same WHERE,
        # SQLite walked the public index (400,000 entries at a million appeals) instead.
        found = Appeal.objects.filter(pk__in=filters.ids).values_list("pk", "kind", "is_public")
        public = [pk for pk, kind, shown in found if kind == Kind.PROBLEM_REPORT and shown]
        appeals = Appeal.objects.filter(pk__in=public)
    else:
        if filters.categories:
            appeals = appeals.filter(category_id__in=filters.categories)
        if filters.start is not None:
            appeals = appeals.filter(received_at__gte=filters.start)
        if filters.end is not None:
            appeals = appeals.filter(received_at__lte=filters.end)
        if set(filters.statuses) == {"open"}:
            appeals = appeals.filter(state__in=OPEN_STATE_VALUES)
        elif set(filters.statuses) == {"closed"}:
            appeals = appeals.filter(state__in=CLOSED_STATE_VALUES)
    return _rendered(appeals).order_by("-received_at", "-pk")


def request(pk: int) -> dict | None:
    return _rendered(public_requests().filter(pk=pk)).first()


def request_id_for_token(token: str) -> int | None:
    """The request behind a token: only one that is public, like every other answer."""
    return (
        Open311Request.objects.filter(
            token=token, appeal__kind=Kind.PROBLEM_REPORT, appeal__is_public=True
        )
        .values_list("appeal_id", flat=True)
        .first()
    )
