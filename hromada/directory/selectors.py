"""Reads of the directory. The catalogue takes a fixed number of queries, however large."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from hromada.directory.models import (
    Absence,
    Addressee,
    AddresseeGroup,
    Schedule,
    ScheduleDay,
    ScheduleException,
)
from hromada.directory.schedules import OpeningStatus, WeeklySchedule, opening_status
from hromada.directory.services import normalize_search

# What a catalogue line shows; the page of one addressee loads the rest.
CATALOGUE_FIELDS = ["id", "parent_id", "slug", "name", "kind", "position", "person_name", "order"]
# Catalogue rows are plain named tuples (pk, parent_id, slug, …): building thousands of model
# instances would cost more than the rest of the page.
ENTRY_FIELDS = ["pk", "parent_id", "slug", "name", "kind", "position", "person_name"]
OFFICE_FIELDS = ["pk", "slug", "name", "person_name", "office_address", "latitude", "longitude"]


@dataclass
class TreeNode:
    addressee: Any  # an Addressee, or a catalogue entry with the same attributes
    children: list["TreeNode"] = field(default_factory=list)


def published_addressees() -> QuerySet[Addressee]:
    return Addressee.objects.filter(is_published=True)


def group_list() -> QuerySet[AddresseeGroup]:
    return AddresseeGroup.objects.all()


def catalogue(*, group: AddresseeGroup | None = None, query: str = "") -> QuerySet:
    """Published addressees in catalogue order, narrowed by group and by search words.

    Every word of the query must occur in the name, position, person or competencies,
    whatever its case and whichever apostrophe (ʼ ' ’) was typed.
    """
    addressees = published_addressees()
    if group is not None:
        addressees = addressees.filter(groups=group)
    for word in normalize_search(query).split():
        addressees = addressees.filter(search_text__contains=word)
    return addressees.order_by("order", "name", "pk").values_list(*ENTRY_FIELDS, named=True)


def build_tree(addressees: list) -> list[TreeNode]:
    """Nest the given addressees; one whose parent is not among them becomes a root.

    Addressees caught in a cycle of parents (old data) are not reachable from any root; each
    such addressee is appended as a root of its own so that nothing silently vanishes.
    """
    nodes = {a.pk: TreeNode(a) for a in addressees}
    roots = []
    for addressee in addressees:
        parent = nodes.get(addressee.parent_id)
        (parent.children if parent else roots).append(nodes[addressee.pk])
    reached: set[int] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        reached.add(node.addressee.pk)
        stack.extend(node.children)
    for addressee in addressees:
        if addressee.pk not in reached:
            # Cut the cycle here: the node keeps its children, except those already shown.
            node = nodes[addressee.pk]
            roots.append(node)
            stack = [node]
            while stack:
                current = stack.pop()
                reached.add(current.addressee.pk)
                current.children = [c for c in current.children if c.addressee.pk not in reached]
                stack.extend(current.children)
    return roots


def ancestry() -> dict[int, tuple[int | None, str, str]]:
    """pk → (parent pk, name, slug) of every published addressee, in one query."""
    rows = published_addressees().values_list("pk", "parent_id", "name", "slug")
    return {pk: (parent, name, slug) for pk, parent, name, slug in rows}


def breadcrumbs(addressee_pk: int, tree: dict) -> list[tuple[str, str]]:
    """(name, slug) from the root down to the addressee's parent."""
    trail = []
    node = tree.get(addressee_pk, (None,))[0]
    while node is not None and node in tree and len(trail) < 50:
        parent, name, slug = tree[node]
        trail.append((name, slug))
        node = parent
    return list(reversed(trail))


def addressee_detail(*, slug: str, today: date | None = None) -> Addressee:
    """One published addressee with everything its page shows; raises DoesNotExist."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=60)
    return (
        published_addressees()
        .select_related("parent")
        .prefetch_related(
            "competencies",
            "groups",
            Prefetch(
                "children",
                queryset=published_addressees().only(*CATALOGUE_FIELDS).order_by("order", "name"),
                to_attr="published_children",
            ),
            # Expired schedules are not shown; current and future ones are, with their dates.
            Prefetch(
                "schedules",
                queryset=schedules_with_hours(today, horizon).filter(
                    Q(valid_until__isnull=True) | Q(valid_until__gte=today)
                ),
            ),
            Prefetch(
                "absences",
                queryset=Absence.objects.filter(ends_on__gte=today)
                .select_related("substitute")
                .order_by("starts_on"),
                to_attr="current_absences",
            ),
        )
        .get(slug=slug)
    )


def schedules_with_hours(start: date, end: date) -> QuerySet[Schedule]:
    return Schedule.objects.prefetch_related(
        "days",
        Prefetch(
            "exceptions", queryset=ScheduleException.objects.filter(date__gte=start, date__lte=end)
        ),
    )


def primary_schedule(addressee: Addressee) -> Schedule | None:
    """From a prefetched addressee: the schedule that decides whether it is open."""
    return next((s for s in addressee.schedules.all() if s.is_primary), None)


@dataclass(frozen=True)
class AddresseeStatus:
    opening: OpeningStatus | None  # None: no schedule known
    absence: Absence | None  # the absence today, if any


def addressee_status(addressee: Addressee, *, at: datetime | None = None) -> AddresseeStatus:
    """Open now or when it opens, and who stands in if the official is away today."""
    at = timezone.localtime(at or timezone.now())
    absence = next(
        (a for a in addressee.current_absences if a.starts_on <= at.date() <= a.ends_on), None
    )
    schedule = primary_schedule(addressee)
    if schedule is None:
        return AddresseeStatus(None, absence)
    return AddresseeStatus(opening_status(WeeklySchedule.from_model(schedule), at=at), absence)


def office_points(*, group: AddresseeGroup | None = None, query: str = "") -> list:
    addressees = published_addressees().filter(
        Q(latitude__isnull=False) & Q(longitude__isnull=False)
    )
    if group is not None:
        addressees = addressees.filter(groups=group)
    for word in normalize_search(query).split():
        addressees = addressees.filter(search_text__contains=word)
    return list(addressees.order_by("name", "pk").values_list(*OFFICE_FIELDS, named=True))


@dataclass(frozen=True)
class TreeRow:
    """One line of the rendered tree; ``closes`` is how many nested lists end after it."""

    addressee: Any  # an Addressee, or a catalogue entry with the same attributes
    depth: int
    child_count: int
    closes: range


def tree_rows(roots: list[TreeNode]) -> list[TreeRow]:
    """Flatten the tree depth-first so a template renders it in one loop, without recursion.

    An explicit stack: a directory may be deeper than Python's recursion limit.
    """
    rows: list[TreeRow] = []
    stack: list[tuple[TreeNode, int]] = [(node, 0) for node in reversed(roots)]
    while stack:
        node, depth = stack.pop()
        rows.append(TreeRow(node.addressee, depth, len(node.children), range(0)))
        if node.children:
            stack.extend((child, depth + 1) for child in reversed(node.children))
        else:
            # A leaf closes the lists of every ancestor whose last child it ends.
            next_depth = stack[-1][1] if stack else 0
            last = rows[-1]
            rows[-1] = TreeRow(last.addressee, depth, 0, range(depth - next_depth))
    return rows


def week_rows(schedule: Schedule) -> list[dict]:
    """Seven rows, Monday first, with the prefetched hours of the day or None (closed)."""
    days = {day.weekday: day for day in schedule.days.all()}
    return [
        {"label": label, "hours": days.get(weekday)}
        for weekday, label in ScheduleDay.Weekday.choices
    ]
