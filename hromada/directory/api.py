from datetime import date, datetime, time

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from hromada.core.errors import NotFound
from hromada.core.pagination import (
    CURSOR_DESCRIPTION,
    CURSOR_MAX,
    HAS_MORE_DESCRIPTION,
    NEXT_CURSOR_DESCRIPTION,
    offset_page,
)
from hromada.directory import selectors
from hromada.directory.models import Addressee, AddresseeGroup

router = Router(tags=["directory"], auth=None)


class GroupOut(Schema):
    slug: str
    name: str
    description: str


class AddresseeLine(Schema):
    slug: str
    name: str
    kind: str
    parent: str | None
    position: str
    person_name: str


class TreeOut(Schema):
    slug: str
    name: str
    kind: str
    person_name: str
    children: list["TreeOut"]


class Office(Schema):
    address: str
    latitude: float | None
    longitude: float | None


class AddresseeOut(Schema):
    slug: str
    name: str
    kind: str
    parent: str | None
    position: str
    person_name: str
    description: str
    competencies: list[str]
    groups: list[str]
    phones: list[str]
    emails: list[str]
    website: str
    office: Office
    photo_url: str | None
    children: list[str]


class HoursOut(Schema):
    opens: time | None
    closes: time | None
    break_starts: time | None
    break_ends: time | None


class DayOut(HoursOut):
    weekday: int


class ExceptionOut(HoursOut):
    date: date
    note: str


class ScheduleOut(Schema):
    name: str
    is_primary: bool
    valid_from: date | None
    valid_until: date | None
    closed_on_public_holidays: bool
    days: list[DayOut]
    exceptions: list[ExceptionOut]


class AbsenceOut(Schema):
    kind: str
    starts_on: date
    ends_on: date
    substitute: str | None


class OpenNowOut(Schema):
    at: datetime
    is_open: bool | None  # None: the addressee publishes no working hours
    on_break: bool
    changes_at: datetime | None
    absence: AbsenceOut | None


def _group(slug: str | None) -> AddresseeGroup | None:
    if not slug:
        return None
    group = AddresseeGroup.objects.filter(slug=slug).first()
    if group is None:
        raise NotFound(f"No group with the code {slug!r}.")
    return group


def _detail(slug: str) -> Addressee:
    try:
        return selectors.addressee_detail(slug=slug)
    except Addressee.DoesNotExist as exc:
        raise NotFound(f"No published addressee with the code {slug!r}.") from exc


@router.get("/groups", response=list[GroupOut], summary="Groups of addressees")
def groups(request):
    return list(selectors.group_list())


class AddresseePageOut(Schema):
    items: list[AddresseeLine]
    next_cursor: str | None = Field(description=NEXT_CURSOR_DESCRIPTION)
    has_more: bool = Field(description=HAS_MORE_DESCRIPTION)


@router.get("/addressees", response=AddresseePageOut, summary="Addressees, flat")
def addressees(
    request,
    group: str | None = None,
    q: str = "",
    limit: int = Query(100, ge=1, le=1000, description="Items per page."),
    cursor: str = Query("", max_length=CURSOR_MAX, description=CURSOR_DESCRIPTION),
):
    found = selectors.catalogue(group=_group(group), query=q[:200])
    found, more = offset_page(found, cursor=cursor, limit=limit)
    ancestry = selectors.ancestry()
    items = [
        AddresseeLine(
            slug=a.slug,
            name=a.name,
            kind=a.kind,
            parent=ancestry.get(a.parent_id, (None, None, None))[2] if a.parent_id else None,
            position=a.position,
            person_name=a.person_name,
        )
        for a in found
    ]
    return {"items": items, **more}


@router.get("/tree", response=list[TreeOut], summary="Addressees as a tree")
def tree(request, group: str | None = None):
    roots = selectors.build_tree(list(selectors.catalogue(group=_group(group))))
    # Built with a stack, not recursion: a directory may be deeper than the recursion limit.
    result: list[TreeOut] = []
    stack = [(node, result) for node in reversed(roots)]
    while stack:
        node, siblings = stack.pop()
        a = node.addressee
        out = TreeOut(slug=a.slug, name=a.name, kind=a.kind, person_name=a.person_name, children=[])
        siblings.append(out)
        stack.extend((child, out.children) for child in reversed(node.children))
    return result


@router.get("/addressees/{slug}", response=AddresseeOut, summary="One addressee")
def addressee(request, slug: str):
    a = _detail(slug)
    return AddresseeOut(
        slug=a.slug,
        name=a.name,
        kind=a.kind,
        parent=a.parent.slug if a.parent_id and a.parent.is_published else None,
        position=a.position,
        person_name=a.person_name,
        description=a.description,
        competencies=[c.name for c in a.competencies.all()],
        groups=[g.slug for g in a.groups.all()],
        phones=a.phones,
        emails=a.emails,
        website=a.website,
        office=Office(address=a.office_address, latitude=a.latitude, longitude=a.longitude),
        photo_url=request.build_absolute_uri(a.get_photo_url()) if a.photo else None,
        children=[child.slug for child in a.published_children],
    )


@router.get("/addressees/{slug}/schedule", response=list[ScheduleOut], summary="Working hours")
def schedule(request, slug: str):
    return [
        ScheduleOut(
            name=s.name,
            is_primary=s.is_primary,
            valid_from=s.valid_from,
            valid_until=s.valid_until,
            closed_on_public_holidays=s.closed_on_public_holidays,
            days=list(s.days.all()),
            exceptions=list(s.exceptions.all()),
        )
        for s in _detail(slug).schedules.all()
    ]


@router.get("/addressees/{slug}/open-now", response=OpenNowOut, summary="Is it open now?")
def open_now(request, slug: str):
    at = timezone.localtime()
    status = selectors.addressee_status(_detail(slug), at=at)
    absence = status.absence
    return OpenNowOut(
        at=at,
        is_open=status.opening.is_open if status.opening else None,
        on_break=bool(status.opening and status.opening.on_break),
        changes_at=status.opening.changes_at if status.opening else None,
        absence=AbsenceOut(
            kind=absence.kind,
            starts_on=absence.starts_on,
            ends_on=absence.ends_on,
            # An unpublished substitute has no public page: do not point to it.
            substitute=absence.substitute.slug
            if absence.substitute and absence.substitute.is_published
            else None,
        )
        if absence
        else None,
    )
