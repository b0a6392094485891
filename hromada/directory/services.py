import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import to_python

from hromada.accounts.models import User
from hromada.core.audit import audit_event_record, audit_events_record
from hromada.core.errors import PermissionDenied, ValidationFailed
from hromada.core.files import random_name, validate_image
from hromada.directory.models import (
    Absence,
    Addressee,
    AddresseeGroup,
    Competency,
    Membership,
    Schedule,
    ScheduleDay,
    ScheduleException,
)
from hromada.directory.schedules import DayHours, validate_hours

# Ukrainian text is typed with any of these for the apostrophe (ʼ is the correct one).
APOSTROPHES = re.compile("[ʼ'’‘`′ʹ＇]")
SPACES = re.compile(r"\s+")
# No council is deeper; pages, exports and the API's nested JSON rely on a bound.
MAX_DEPTH = 20
# Path segments of the catalogue that an addressee's code must not shadow.
RESERVED_SLUGS = {"groups"}
# The key of the PostgreSQL advisory lock that serialises moves in the tree ("hromada dir").
TREE_LOCK_KEY = 0x68726D6164697200
# Codes are small Latin letters, digits, - and _: the same in addresses, imports and exports.
CODE = re.compile(r"[a-z0-9_-]{1,100}")


def clean_code(code: str) -> str:
    if not CODE.fullmatch(code):
        raise ValidationFailed(
            _("A code may contain only small Latin letters, digits, - and _."), field="slug"
        )
    if code in RESERVED_SLUGS:
        raise ValidationFailed(_("This code is reserved; choose another."), field="slug")
    return code


def authorize(actor: User | None, permission: str) -> None:
    """Refuse a person without the permission; ``actor=None`` is the system itself."""
    if actor is not None and not actor.has_perm(permission):
        raise PermissionDenied(_("You may not change the directory."))


def normalize_search(text: str) -> str:
    """Lower case, one apostrophe, single spaces: the form both the index and queries take."""
    return SPACES.sub(" ", APOSTROPHES.sub("'", text.casefold())).strip()


def _search_text(addressee: Addressee, competencies: Iterable[str]) -> str:
    parts = [addressee.name, addressee.position, addressee.person_name, *competencies]
    return normalize_search(" ".join(p for p in parts if p))


def addressee_refresh_search_text(addressee: Addressee) -> None:
    names = list(addressee.competencies.values_list("name", flat=True))
    text = _search_text(addressee, names)
    if text != addressee.search_text:
        Addressee.objects.filter(pk=addressee.pk).update(search_text=text)
        addressee.search_text = text


def addressees_refresh_search_texts(addressee_ids: Iterable[int]) -> int:
    """Recompute the search text of these addressees in bulk (after a competency was renamed
    or deleted); returns how many changed."""
    addressees = list(
        Addressee.objects.filter(pk__in=set(addressee_ids)).only(
            "pk", "name", "position", "person_name", "search_text"
        )
    )
    topics: dict[int, list[str]] = {}
    for pk, topic in (
        Addressee.competencies.through.objects.filter(addressee__in=addressees)
        .order_by("competency__name")
        .values_list("addressee_id", "competency__name")
    ):
        topics.setdefault(pk, []).append(topic)
    changed = []
    for addressee in addressees:
        text = _search_text(addressee, topics.get(addressee.pk, []))
        if text != addressee.search_text:
            addressee.search_text = text
            changed.append(addressee)
    Addressee.objects.bulk_update(changed, ["search_text"], batch_size=500)
    return len(changed)


def competency_addressee_ids(competencies: Iterable[Competency]) -> list[int]:
    """The addressees linked to these competencies (whose search text depends on them)."""
    return list(
        Addressee.competencies.through.objects.filter(competency__in=list(competencies))
        .values_list("addressee_id", flat=True)
        .distinct()
    )


def clean_phones(values: Iterable[str]) -> list[str]:
    phones = []
    for raw in values:
        raw = raw.strip()
        if not raw:
            continue
        number = to_python(raw, region="UA")
        if number is None or not number.is_valid():
            raise ValidationFailed(
                _("“%(value)s” is not a valid phone number.") % {"value": raw}, field="phones"
            )
        phones.append(number.as_international)
    return phones


def clean_emails(values: Iterable[str]) -> list[str]:
    emails = []
    for raw in values:
        raw = raw.strip()
        if not raw:
            continue
        try:
            EmailValidator()(raw)
        except ValidationError as exc:
            raise ValidationFailed(
                _("“%(value)s” is not a valid e-mail address.") % {"value": raw}, field="emails"
            ) from exc
        emails.append(raw.lower())
    return emails


def clean_point(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise ValidationFailed(_("Give both the latitude and the longitude."), field="longitude")
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationFailed(_("The point lies outside valid coordinates."), field="latitude")


def _lock_tree() -> None:
    """Serialise moves in the tree until the transaction ends.

    check_parent reads the ancestors without locking them, so two concurrent moves (A under B
    and B under A) could each pass the check and together make a cycle. On PostgreSQL a
    transaction-scoped advisory lock makes every tree change wait for the one before it; on
    SQLite writes are already serialised (transactions begin IMMEDIATE), so nothing is needed.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TREE_LOCK_KEY])


def check_parent(
    addressee: Addressee | None,
    parent: Addressee | None,
    parents: Mapping | None = None,
    *,
    check_depth: bool = True,
) -> None:
    """An addressee cannot belong to itself or to one of its own subdivisions, and the tree
    stays at most MAX_DEPTH levels deep.

    Walks up from the new parent: one query per level, or none given a pk → parent pk map.
    """
    if parent is None:
        return
    own = addressee.pk if addressee is not None else None
    node: int | None = parent.pk
    above = 0
    while node is not None and above <= MAX_DEPTH:
        if node == own:
            raise ValidationFailed(
                _("An addressee cannot belong to itself or to its own subdivision."),
                field="parent",
            )
        above += 1
        if parents is not None:
            node = parents.get(node)
        else:
            node = Addressee.objects.filter(pk=node).values_list("parent_id", flat=True).first()
    if not check_depth:
        return
    below = _height(own, parents) if own is not None else 1
    if above + below > MAX_DEPTH:
        raise ValidationFailed(
            _("The directory may be at most %(depth)d levels deep.") % {"depth": MAX_DEPTH},
            field="parent",
        )


def _height(pk: int, parents: Mapping | None) -> int:
    """Levels from this addressee down to its deepest subdivision (1 for a leaf)."""
    height, frontier = 1, {pk}
    while frontier and height <= MAX_DEPTH:
        if parents is not None:
            frontier = {child for child, parent in parents.items() if parent in frontier}
        else:
            frontier = set(
                Addressee.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
        height += bool(frontier)
    return height


def clean_website(website: str) -> str:
    if website:
        try:
            URLValidator()(website)
        except ValidationError as exc:
            raise ValidationFailed(_("The website address is not valid."), field="website") from exc
    return website


def clean_addressee_fields(
    *,
    kind: str,
    name: str,
    position: str = "",
    person_name: str = "",
    description: str = "",
    phones: Iterable[str] = (),
    emails: Iterable[str] = (),
    website: str = "",
    office_address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    order: int = 0,
    is_published: bool = True,
) -> dict[str, Any]:
    """The model fields of an addressee, checked and normalised; raises ValidationFailed."""
    if kind not in Addressee.Kind.values:
        raise ValidationFailed(_("Unknown kind of addressee: %s") % kind, field="kind")
    if not name.strip():
        raise ValidationFailed(_("The name is required."), field="name")
    clean_point(latitude, longitude)
    return {
        "kind": kind,
        "name": name.strip(),
        "position": position.strip(),
        "person_name": person_name.strip(),
        "description": description.strip(),
        "phones": clean_phones(phones),
        "emails": clean_emails(emails),
        "website": clean_website(website),
        "office_address": office_address.strip(),
        "latitude": latitude,
        "longitude": longitude,
        "order": order,
        "is_published": is_published,
    }


def groups_by_slug(slugs: Iterable[str]) -> dict[str, AddresseeGroup]:
    wanted = set(slugs)
    found = {group.slug: group for group in AddresseeGroup.objects.filter(slug__in=wanted)}
    unknown = wanted - set(found)
    if unknown:
        raise ValidationFailed(_("Unknown groups: %s") % ", ".join(sorted(unknown)), field="groups")
    return found


@transaction.atomic
def addressee_upsert(
    *,
    slug: str,
    parent: Addressee | None = None,
    competencies: Iterable[str] = (),
    groups: Iterable[str] = (),
    actor: User | None = None,
    **given: Any,
) -> Addressee:
    """Create the addressee with this code, or bring an existing one up to date.

    ``given`` are the addressee's own fields, as clean_addressee_fields takes them.
    """
    _lock_tree()
    existing = Addressee.objects.select_for_update().filter(slug=slug).first()
    authorize(actor, "directory.change_addressee" if existing else "directory.add_addressee")
    clean_code(slug)
    fields = clean_addressee_fields(**given)
    found_groups = list(groups_by_slug(groups).values())
    check_parent(existing, parent)
    fields["parent"] = parent
    if existing is None:
        addressee = Addressee.objects.create(slug=slug, **fields)
    else:
        addressee = existing
        for field, value in fields.items():
            setattr(addressee, field, value)
        addressee.save()
    competency_names = sorted({c.strip() for c in competencies if c.strip()})
    addressee.competencies.set(
        [Competency.objects.get_or_create(name=n)[0] for n in competency_names]
    )
    addressee.groups.set(found_groups)
    addressee_refresh_search_text(addressee)
    audit_event_record(
        actor=actor,
        action="addressee.created" if existing is None else "addressee.updated",
        target=addressee,
        name=addressee.name,
    )
    return addressee


def default_schedule_name() -> str:
    """The name of a schedule nobody named, in the community's language whoever edits."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Working hours")


@transaction.atomic
def schedule_set(
    *,
    addressee: Addressee,
    week: Mapping[int, DayHours],
    name: str = "",
    is_primary: bool = True,
    exceptions: Mapping[date, tuple[DayHours, str]] | None = None,
    closed_on_public_holidays: bool = True,
    actor: User | None = None,
) -> Schedule:
    """Replace the addressee's schedule of that name with this week (and these exceptions)."""
    authorize(actor, "directory.change_schedule")
    for weekday, hours in week.items():
        if weekday not in range(7):
            raise ValidationFailed(_("Unknown day of the week."), field="weekday")
        validate_hours(
            opens=hours.opens,
            closes=hours.closes,
            break_starts=hours.break_starts,
            break_ends=hours.break_ends,
        )
    for hours, _note in (exceptions or {}).values():
        validate_hours(
            opens=hours.opens,
            closes=hours.closes,
            break_starts=hours.break_starts,
            break_ends=hours.break_ends,
        )
    name = name or default_schedule_name()
    if is_primary:
        Schedule.objects.filter(addressee=addressee, is_primary=True).exclude(name=name).update(
            is_primary=False
        )
    schedule, _created = Schedule.objects.update_or_create(
        addressee=addressee,
        name=name,
        defaults={"is_primary": is_primary, "closed_on_public_holidays": closed_on_public_holidays},
    )
    schedule.days.all().delete()
    ScheduleDay.objects.bulk_create(
        ScheduleDay(schedule=schedule, weekday=weekday, **vars(hours))
        for weekday, hours in sorted(week.items())
        if hours.opens is not None
    )
    if exceptions is not None:
        schedule.exceptions.all().delete()
        ScheduleException.objects.bulk_create(
            ScheduleException(schedule=schedule, date=day, note=note, **vars(hours))
            for day, (hours, note) in sorted(exceptions.items())
        )
    audit_event_record(actor=actor, action="schedule.set", target=addressee, schedule=name)
    return schedule


@transaction.atomic
def absence_add(
    *,
    addressee: Addressee,
    kind: str,
    starts_on: date,
    ends_on: date,
    substitute: Addressee | None = None,
    note: str = "",
    actor: User | None = None,
) -> Absence:
    authorize(actor, "directory.add_absence")
    check_absence(addressee=addressee, starts_on=starts_on, ends_on=ends_on, substitute=substitute)
    absence = Absence.objects.create(
        addressee=addressee,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        substitute=substitute,
        note=note,
    )
    audit_event_record(
        actor=actor,
        action="absence.added",
        target=addressee,
        starts_on=str(starts_on),
        ends_on=str(ends_on),
    )
    return absence


def check_absence(
    *,
    addressee: Addressee,
    starts_on: date,
    ends_on: date,
    substitute: Addressee | None,
    exclude_pk: Any = None,
) -> None:
    if ends_on < starts_on:
        raise ValidationFailed(
            _("The absence must end on or after its first day."), field="ends_on"
        )
    if substitute is not None and substitute.pk == addressee.pk:
        raise ValidationFailed(_("Nobody stands in for themselves."), field="substitute")
    overlapping = Absence.objects.filter(
        addressee=addressee, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).exclude(pk=exclude_pk)
    if overlapping.exists():
        raise ValidationFailed(
            _("This absence overlaps another absence of the same addressee."), field="starts_on"
        )
    if (
        substitute is not None
        and Absence.objects.filter(
            addressee=substitute, starts_on__lte=ends_on, ends_on__gte=starts_on
        ).exists()
    ):
        raise ValidationFailed(
            _("The substitute is away during this period too; choose someone else."),
            field="substitute",
        )


@transaction.atomic
def membership_set(
    *, addressee: Addressee, user: User, is_responsible: bool, actor: User | None = None
) -> Membership:
    """Link a member of staff to the addressee they work for."""
    authorize(actor, "directory.change_membership")
    if not user.is_staff:
        raise ValidationFailed(
            _("Only staff can work for an addressee: give the person a role first."),
            field="user",
        )
    membership, _created = Membership.objects.update_or_create(
        addressee=addressee, user=user, defaults={"is_responsible": is_responsible}
    )
    audit_event_record(
        actor=actor,
        action="addressee.staff_set",
        target=addressee,
        user=user.pk,
        responsible=is_responsible,
    )
    return membership


PHOTO_MAX_BYTES = 5_000_000


@transaction.atomic
def addressee_set_photo(*, addressee: Addressee, upload, actor: User | None = None) -> Addressee:
    """Replace (or, with upload=None, remove) the photo or logo; the content is checked."""
    authorize(actor, "directory.change_addressee")
    old = addressee.photo.name if addressee.photo else ""
    if upload is None:
        addressee.photo = ""
    else:
        extension = validate_image(upload, max_bytes=PHOTO_MAX_BYTES)
        addressee.photo.save(random_name("directory/photos", extension), upload, save=False)
    addressee.save(update_fields=["photo", "updated_at"])
    if old:
        # Removed only once the new state is committed, so a rollback keeps the old file.
        transaction.on_commit(lambda: addressee.photo.storage.delete(old))
    audit_event_record(actor=actor, action="addressee.photo_changed", target=addressee)
    return addressee


@dataclass
class AddresseeEntry:
    """One addressee of a bulk import, as addressee_upsert's arguments."""

    slug: str
    values: dict[str, Any]  # addressee_upsert's keyword arguments; a missing one keeps its value
    parent_slug: str | None = None  # None: keep the current parent; "": top level
    week: Mapping[int, DayHours] | None = None  # the primary weekly schedule; None: leave it


UPDATED_FIELDS = [
    "kind",
    "name",
    "parent",
    "position",
    "person_name",
    "description",
    "phones",
    "emails",
    "website",
    "office_address",
    "latitude",
    "longitude",
    "order",
    "is_published",
    "search_text",
    "updated_at",
]


class EntryRefused(ValidationFailed):
    """A bulk entry was refused; ``slug`` says which."""

    def __init__(self, slug: str, refusal: ValidationFailed) -> None:
        super().__init__(refusal.message, code=refusal.code, field=refusal.field)
        self.slug = slug


@transaction.atomic
def addressees_bulk_upsert(
    *, entries: list[AddresseeEntry], actor: User | None = None
) -> tuple[int, int]:
    """Create or update many addressees at once (the directory import); returns (new, updated).

    Every entry is checked before anything is written, with the same rules as
    addressee_upsert; the writes take a fixed number of queries per level of the tree.
    """
    authorize(actor, "directory.add_addressee")
    authorize(actor, "directory.change_addressee")
    slugs = [entry.slug for entry in entries]
    if len(set(slugs)) != len(slugs):
        raise ValidationFailed(_("The same code appears twice."), field="slug")
    _lock_tree()
    existing = {a.slug: a for a in Addressee.objects.select_for_update().filter(slug__in=slugs)}
    current_topics: dict[int, list[str]] = {}
    for pk, topic in Addressee.competencies.through.objects.filter(
        addressee__in=existing.values()
    ).values_list("addressee_id", "competency__name"):
        current_topics.setdefault(pk, []).append(topic)

    # 1. Check everything.
    fields: dict[str, dict[str, Any]] = {}
    topics: dict[str, list[str]] = {}
    group_slugs: dict[str, list[str]] = {}
    for entry in entries:
        current = existing.get(entry.slug)
        given = dict(entry.values)
        try:
            clean_code(entry.slug)
            topic_names = given.pop("competencies", None)
            group_list = given.pop("groups", None)
            if current is not None:  # what the entry leaves out keeps its current value
                given = {
                    name: getattr(current, name)
                    for name in UPDATED_FIELDS[:-2]
                    if name != "parent" and name not in given
                } | given
            fields[entry.slug] = clean_addressee_fields(**given)
            if topic_names is not None:
                topics[entry.slug] = sorted({t.strip() for t in topic_names if t.strip()})
            elif current is not None:
                topics[entry.slug] = current_topics.get(current.pk, [])
            if group_list is not None:
                group_slugs[entry.slug] = sorted(set(group_list))
            for hours in (entry.week or {}).values():
                validate_hours(**vars(hours))
        except ValidationFailed as refusal:
            raise EntryRefused(entry.slug, refusal) from refusal
    groups = groups_by_slug({g for wanted in group_slugs.values() for g in wanted})

    # 2. Parents before children; a parent is in the file or already in the directory.
    by_slug = {entry.slug: entry for entry in entries}
    outside = {e.parent_slug for e in entries if e.parent_slug and e.parent_slug not in by_slug}
    pk_of = dict(Addressee.objects.filter(slug__in=outside).values_list("slug", "pk"))
    for entry in entries:
        if entry.parent_slug and entry.parent_slug not in by_slug | pk_of:
            raise EntryRefused(
                entry.slug,
                ValidationFailed(
                    _("No addressee has the code “%(code)s”.") % {"code": entry.parent_slug},
                    field="parent",
                ),
            )
    parents = dict(Addressee.objects.values_list("pk", "parent_id"))
    now = timezone.now()
    saved: dict[str, Addressee] = {}
    for level in _levels(entries, by_slug):
        created, updated = [], []
        for entry in level:
            addressee = existing.get(entry.slug) or Addressee(slug=entry.slug)
            for name, value in fields[entry.slug].items():
                setattr(addressee, name, value)
            if entry.parent_slug is not None:
                parent_slug = entry.parent_slug
                addressee.parent_id = (
                    (saved[parent_slug].pk if parent_slug in saved else pk_of[parent_slug])
                    if parent_slug
                    else None
                )
            if addressee.parent_id is not None:
                try:
                    # The depth is checked once for the whole tree below, not row by row.
                    check_parent(
                        addressee, Addressee(pk=addressee.parent_id), parents, check_depth=False
                    )
                except ValidationFailed as refusal:
                    raise EntryRefused(entry.slug, refusal) from refusal
            addressee.search_text = _search_text(addressee, topics.get(entry.slug, []))
            addressee.updated_at = now
            (updated if addressee.pk else created).append(addressee)
        Addressee.objects.bulk_create(created)
        Addressee.objects.bulk_update(updated, UPDATED_FIELDS)
        for addressee in created + updated:
            saved[addressee.slug] = addressee
            parents[addressee.pk] = addressee.parent_id

    _check_depths(parents, saved)

    # 3. Topics, groups and schedules, replaced in bulk.
    _replace_links(Addressee.competencies.through, "competency", topics, saved, _topic_ids(topics))
    _replace_links(
        Addressee.groups.through,
        "addresseegroup",
        group_slugs,
        saved,
        {slug: group.pk for slug, group in groups.items()},
    )
    weeks = {saved[e.slug].pk: e.week for e in entries if e.week is not None}
    _replace_primary_weeks(weeks)
    _record_bulk(actor, saved.values(), created_slugs=set(slugs) - set(existing))
    return len(slugs) - len(existing), len(existing)


def _check_depths(parents: dict, saved: dict[str, Addressee]) -> None:
    """After the moves: refuse (and so roll back) if any branch became too deep."""
    depth: dict[int, int] = {}
    for start in parents:
        chain, node = [], start
        while node is not None and node not in depth and len(chain) <= MAX_DEPTH:
            chain.append(node)
            node = parents.get(node)
        base = depth.get(node, 0)
        for offset, pk in enumerate(reversed(chain), start=1):
            depth[pk] = base + offset
    too_deep = [a.slug for a in saved.values() if depth.get(a.pk, 0) > MAX_DEPTH]
    if too_deep:
        raise EntryRefused(
            too_deep[0],
            ValidationFailed(
                _("The directory may be at most %(depth)d levels deep.") % {"depth": MAX_DEPTH},
                field="parent",
            ),
        )


def _levels(entries: list[AddresseeEntry], by_slug: dict) -> list[list[AddresseeEntry]]:
    depth: dict[str, int] = {}
    for entry in entries:
        chain, node = [], entry
        while node is not None and node.slug not in depth:
            if node.slug in chain:
                raise EntryRefused(
                    node.slug,
                    ValidationFailed(
                        _("An addressee cannot belong to itself or to its own subdivision."),
                        field="parent",
                    ),
                )
            chain.append(node.slug)
            node = by_slug.get(node.parent_slug) if node.parent_slug else None
        base = depth[node.slug] + 1 if node is not None else 0
        for offset, slug in enumerate(reversed(chain)):
            depth[slug] = base + offset
    levels: dict[int, list[AddresseeEntry]] = {}
    for entry in entries:
        levels.setdefault(depth[entry.slug], []).append(entry)
    return [levels[d] for d in sorted(levels)]


def _topic_ids(topics: dict[str, list[str]]) -> dict[str, int]:
    names = {name for wanted in topics.values() for name in wanted}
    known = dict(Competency.objects.filter(name__in=names).values_list("name", "pk"))
    Competency.objects.bulk_create(
        [Competency(name=name) for name in names - set(known)], ignore_conflicts=True
    )
    return dict(Competency.objects.filter(name__in=names).values_list("name", "pk"))


def _replace_links(through, column: str, wanted: dict, saved: dict, ids: dict) -> None:
    owners = [saved[slug].pk for slug in wanted]
    through.objects.filter(addressee_id__in=owners).delete()
    through.objects.bulk_create(
        through(addressee_id=saved[slug].pk, **{f"{column}_id": ids[key]})
        for slug, keys in wanted.items()
        for key in keys
    )


def _replace_primary_weeks(weeks: dict[int, Mapping[int, DayHours]]) -> None:
    primary = {
        s.addressee_id: s for s in Schedule.objects.filter(addressee_id__in=weeks, is_primary=True)
    }
    name = default_schedule_name()
    missing = [
        Schedule(addressee_id=pk, name=name, is_primary=True) for pk in weeks if pk not in primary
    ]
    for schedule in Schedule.objects.bulk_create(missing):
        primary[schedule.addressee_id] = schedule
    ScheduleDay.objects.filter(schedule__in=primary.values()).delete()
    ScheduleDay.objects.bulk_create(
        ScheduleDay(schedule=primary[pk], weekday=weekday, **vars(hours))
        for pk, week in weeks.items()
        for weekday, hours in sorted(week.items())
        if hours.opens is not None
    )


def _record_bulk(actor: User | None, addressees, *, created_slugs: set[str]) -> None:
    audit_events_record(
        actor=actor,
        events=[
            (
                "addressee.created" if a.slug in created_slugs else "addressee.updated",
                a,
                {"name": a.name, "via": "import"},
            )
            for a in addressees
        ],
    )
