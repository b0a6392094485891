"""The demo city's situation centre: the address register of its streets, the map's facts
and counts for the demo appeals, and residents' supports of open public reports.

Safe to run again: addresses are upserted, the facts rebuilt from the appeals, and supports
added only when there are none yet.
"""

import random

from django.db import transaction

from hromada.accounts.models import User
from hromada.appeals.demo_data.people import STREETS
from hromada.appeals.models import Kind
from hromada.core.errors import ApplicationError
from hromada.core.models import District
from hromada.core.selectors import district_for_point
from hromada.situation.facts import facts_rebuild
from hromada.situation.models import OPEN_STATUSES, AppealFact, Support
from hromada.situation.services import address_upsert, support_add

SEED = 109
HOUSES = (1, 3, 5, 7, 9, 12, 15, 20)
SUPPORTED_REPORTS = 80


def _point(rng: random.Random, district: District) -> tuple[float, float]:
    for _attempt in range(200):
        lat = round(rng.uniform(district.min_lat, district.max_lat), 6)
        lon = round(rng.uniform(district.min_lon, district.max_lon), 6)
        found = district_for_point(lat=lat, lon=lon)
        if found is not None and found.pk == district.pk:
            return lat, lon
    raise RuntimeError(f"no point found inside {district}")


def load(*, stdout) -> None:
    rng = random.Random(SEED)  # noqa: S311  (demo data, not secrets)
    districts = {d.slug: d for d in District.objects.all()}
    if not districts:
        stdout.write("Situation centre: load the districts first; nothing loaded.")
        return
    with transaction.atomic():
        addresses = 0
        for slug, streets in STREETS.items():
            district = districts.get(slug)
            if district is None:
                continue
            for street, _locative, settlement in streets:
                # Houses of a street lie near each other: a start point and small steps.
                lat, lon = _point(rng, district)
                for house in HOUSES:
                    name = street if settlement.startswith("м.") else f"{settlement}, {street}"
                    address_upsert(street=name, house=str(house), latitude=lat, longitude=lon)
                    addresses += 1
                    step_lat, step_lon = rng.uniform(-4e-4, 4e-4), rng.uniform(-4e-4, 4e-4)
                    if district_for_point(lat=lat + step_lat, lon=lon + step_lon) == district:
                        lat, lon = round(lat + step_lat, 6), round(lon + step_lon, 6)
        facts = facts_rebuild()
        supports = 0
        if not Support.objects.exists():
            residents = list(User.objects.filter(is_staff=False, is_active=True).order_by("pk"))
            open_reports = list(
                AppealFact.objects.filter(
                    kind=Kind.PROBLEM_REPORT, is_public=True, status__in=OPEN_STATUSES
                )
                .order_by("appeal_id")
                .values_list("appeal_id", flat=True)
            )
            chosen = rng.sample(open_reports, min(SUPPORTED_REPORTS, len(open_reports)))
            for appeal_id in chosen:
                for resident in rng.sample(residents, min(len(residents), rng.randint(1, 12))):
                    try:
                        support_add(actor=resident, appeal_id=appeal_id)
                    except ApplicationError:
                        continue  # the author's own report
                    supports += 1
    stdout.write(
        f"Situation centre: {addresses} addresses, {facts} appeals on the map and dashboard, "
        f"{supports} supports"
    )
