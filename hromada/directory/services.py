import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import to_python

from hromada.accounts.models import User
from hromada.core.audit import audit_event_record
from hromada.core.errors import ValidationFailed
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
# Path segments of the catalogue that an addressee's code must not shadow.
RESERVED_SLUGS = {"groups"}


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


def check_parent(addressee: Addressee | None, parent: Addressee | None) -> None:
    """An addressee cannot belong to itself or to one of its own subdivisions."""
    if parent is None or addressee is None or addressee.pk is None:
        return
    parents = dict(Addressee.objects.values_list("pk", "parent_id"))
    node: int | None = parent.pk
    while node is not None:
        if node == addressee.pk:
            raise ValidationFailed(
                _("An addressee cannot belong to itself or to its own subdivision."),
                field="parent",
            )
        node = parents.get(node)


@transaction.atomic
def addressee_upsert(
    *,
    slug: str,
    kind: str,
    name: str,
    parent: Addressee | None = None,
    position: str = "",
    person_name: str = "",
    description: str = "",
    competencies: Iterable[str] = (),
    groups: Iterable[str] = (),
    phones: Iterable[str] = (),
    emails: Iterable[str] = (),
    website: str = "",
    office_address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    order: int = 0,
    is_published: bool = True,
    actor: User | None = None,
) -> Addressee:
    """Create the addressee with this code, or bring an existing one up to date."""
    if kind not in Addressee.Kind.values:
        raise ValidationFailed(_("Unknown kind of addressee: %s") % kind, field="kind")
    if not name.strip():
        raise ValidationFailed(_("The name is required."), field="name")
    if slug in RESERVED_SLUGS:
        raise ValidationFailed(_("This code is reserved; choose another."), field="slug")
    if website:
        try:
            URLValidator()(website)
        except ValidationError as exc:
            raise ValidationFailed(_("The website address is not valid."), field="website") from exc
    clean_point(latitude, longitude)
    group_slugs = sorted(set(groups))
    found_groups = list(AddresseeGroup.objects.filter(slug__in=group_slugs))
    if len(found_groups) != len(group_slugs):
        unknown = set(group_slugs) - {g.slug for g in found_groups}
        raise ValidationFailed(_("Unknown groups: %s") % ", ".join(sorted(unknown)), field="groups")
    existing = Addressee.objects.select_for_update().filter(slug=slug).first()
    check_parent(existing, parent)
    fields = {
        "kind": kind,
        "name": name.strip(),
        "parent": parent,
        "position": position.strip(),
        "person_name": person_name.strip(),
        "description": description.strip(),
        "phones": clean_phones(phones),
        "emails": clean_emails(emails),
        "website": website,
        "office_address": office_address.strip(),
        "latitude": latitude,
        "longitude": longitude,
        "order": order,
        "is_published": is_published,
    }
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
    name = name or _("Working hours")
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


@transaction.atomic
def membership_set(
    *, addressee: Addressee, user: User, is_responsible: bool, actor: User | None = None
) -> Membership:
    """Link a member of staff to the addressee they work for."""
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
