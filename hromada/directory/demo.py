"""The demo city's directory: the council, its executive bodies, ЦНАП, communal enterprises.

Safe to run again: addressees are upserted by code, schedules replaced by name, and an
absence is added only when none overlaps it.
"""

import calendar
from collections import Counter
from datetime import date, time, timedelta

from django.utils import timezone

from hromada.accounts.models import User
from hromada.directory import services
from hromada.directory.demo_data.directory import (
    ABSENCES,
    ADDRESSEES,
    DISPATCH,
    GROUPS,
    PRIMARY,
    RECEPTION,
    SANITARY_DAY,
    SANITARY_DAY_WEEKS,
    STAFF,
    WEEKS,
)
from hromada.directory.models import Absence, Addressee, AddresseeGroup
from hromada.directory.schedules import DayHours

CLOSED = DayHours(None, None)
INHERITED = ("address", "point", "hours")


def hours(*times: str) -> DayHours:
    return DayHours(*(time.fromisoformat(t) for t in times))


def sanitary_day(today: date) -> date:
    """The last Friday of this month, or of the next one when this month's has passed."""
    year, month = today.year, today.month
    while True:
        last = date(year, month, calendar.monthrange(year, month)[1])
        friday = last - timedelta(days=(last.weekday() - calendar.FRIDAY) % 7)
        if friday >= today:
            return friday
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def load(*, stdout) -> None:
    today = timezone.localdate()
    for order, group in enumerate(GROUPS, 1):
        AddresseeGroup.objects.update_or_create(
            slug=group["slug"], defaults={**group, "order": order}
        )
    saved: dict[str, Addressee] = {}
    places: dict[str | None, dict] = {None: {}}
    siblings: Counter = Counter()
    for entry in ADDRESSEES:
        parent = entry["parent"]
        siblings[parent] += 1
        place = {key: entry.get(key, places[parent].get(key)) for key in INHERITED}
        places[entry["slug"]] = place
        latitude, longitude = place["point"] or (None, None)
        addressee = saved[entry["slug"]] = services.addressee_upsert(
            slug=entry["slug"],
            kind=entry["kind"],
            name=entry.get("name") or entry["position"],
            parent=saved.get(parent),
            position=entry.get("position", ""),
            person_name=entry.get("person", ""),
            description=entry["about"],
            competencies=entry["topics"],
            groups=entry.get("groups", ()),
            phones=entry["phones"],
            emails=entry["emails"],
            website=entry.get("website", ""),
            office_address=place["address"] or "",
            latitude=latitude,
            longitude=longitude,
            order=siblings[parent],
        )
        if place["hours"]:
            closures = {}
            if place["hours"] in SANITARY_DAY_WEEKS:
                closures = {sanitary_day(today): (CLOSED, SANITARY_DAY)}
            week = {day: hours(*times) for day, times in WEEKS[place["hours"]].items()}
            services.schedule_set(addressee=addressee, name=PRIMARY, week=week, exceptions=closures)
        if "reception" in entry:
            week = {day: hours(*times) for day, times in entry["reception"].items()}
            services.schedule_set(
                addressee=addressee, name=RECEPTION, is_primary=False, week=week, exceptions={}
            )
        if "dispatch" in entry:
            services.schedule_set(
                addressee=addressee,
                name=DISPATCH,
                is_primary=False,
                week=dict.fromkeys(range(7), hours(*entry["dispatch"])),
                exceptions={},
                closed_on_public_holidays=False,
            )
    for slug, substitute, kind, days_ago, days_ahead, note in ABSENCES:
        starts_on, ends_on = today - timedelta(days=days_ago), today + timedelta(days=days_ahead)
        away = saved[slug]
        if not Absence.objects.filter(
            addressee=away, starts_on__lte=ends_on, ends_on__gte=starts_on
        ).exists():
            services.absence_add(
                addressee=away,
                kind=kind,
                starts_on=starts_on,
                ends_on=ends_on,
                substitute=saved[substitute],
                note=note,
            )
    for email, slug, responsible in STAFF:
        user = User.objects.filter(email=email, is_staff=True).first()
        if user is None:
            stdout.write(f"  {email} is not a staff account yet: not linked to {slug}.")
            continue
        services.membership_set(addressee=saved[slug], user=user, is_responsible=responsible)
    stdout.write(f"Directory: {len(ADDRESSEES)} addressees in {len(GROUPS)} groups")
