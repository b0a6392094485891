"""The demo city's situation centre: the address register of its streets, the map's facts
and counts for the demo appeals, and residents' supports of open public reports.

Safe to run again: addresses are upserted, the facts rebuilt from the appeals, and supports
added only when there are none yet.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from hromada.accounts.models import User
from hromada.appeals.demo_data.people import STREETS
from hromada.appeals.models import Kind
from hromada.core.errors import ApplicationError
from hromada.core.models import District
from hromada.core.selectors import district_for_point
from hromada.situation.city_services import (
    city_object_save,
    layer_type_save,
    permit_save,
    work_save,
    yard_save,
)
from hromada.situation.dashboard import recurring_problems_refresh
from hromada.situation.facts import facts_rebuild
from hromada.situation.models import (
    OPEN_STATUSES,
    AppealFact,
    CityObject,
    ExcavationPermit,
    Geometry,
    LayerType,
    Support,
    Work,
    Yard,
)
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
                    addresses += 1
                    # The master register's own id, as Open311 partners send it (address_id).
                    address_upsert(
                        street=name,
                        house=str(house),
                        latitude=lat,
                        longitude=lon,
                        code=f"NVR-{addresses:05d}",
                    )
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
        recurring = recurring_problems_refresh()
        city = _city_objects(rng, districts)
    stdout.write(
        f"Situation centre: {addresses} addresses, {facts} appeals on the map and dashboard, "
        f"{supports} supports, {recurring} recurring problems; {city}"
    )


LAYERS = [
    {
        "slug": "playgrounds",
        "name": "Дитячі майданчики",
        "geometry_type": Geometry.POINT,
        "colour": "#1d6b35",
        "attributes": [
            {"key": "age", "label": "Вік дітей", "type": "text"},
            {"key": "built", "label": "Збудовано", "type": "date"},
        ],
        "objects": [
            ("Майданчик «Казка»", "tsentralnyi", {"age": "3–12", "built": "2019-06-01"}),
            ("Майданчик у парку Перемоги", "tsentralnyi", {"age": "1–7", "built": "2022-05-15"}),
            ("Майданчик на Молодіжній", "pivnichnyi", {"age": "3–14", "built": "2018-08-20"}),
            ("Майданчик біля школи № 5", "zavodskyi", {"age": "6–14", "built": "2021-09-01"}),
            ("Майданчик на Набережній", "livoberezhnyi", {"age": "3–12", "built": "2023-04-30"}),
        ],
    },
    {
        "slug": "cameras",
        "name": "Камери відеоспостереження",
        "geometry_type": Geometry.POINT,
        "colour": "#07325a",
        "attributes": [{"key": "owner", "label": "Власник", "type": "text"}],
        "objects": [
            ("Камера на розі Соборної і Шевченка", "tsentralnyi", {"owner": "КП «Безпечне місто»"}),
            ("Камера біля вокзалу", "zavodskyi", {"owner": "КП «Безпечне місто»"}),
            ("Камера на мосту", "livoberezhnyi", {"owner": "КП «Безпечне місто»"}),
        ],
    },
]  # fmt: skip
WORKS = [
    ("Заміна тепломережі на вул. Шевченка", "КП «Тепломережа»", "tsentralnyi", -5, 25,
     "Розкопано тротуар біля будинків 10–16; прохід облаштовано."),
    ("Ремонт дорожнього покриття на вул. Миру", "ТОВ «Шляхбуд-Новоярськ»", "pivnichnyi", -2, 12,
     "Частковий рух транспорту однією смугою."),
    ("Прокладання водогону на вул. Набережній", "КП «Водоканал»", "livoberezhnyi", 7, 40,
     "Плановий ремонт, вода — за графіком на сайті КП."),
]  # fmt: skip
PERMITS = [
    ("ЗР-2026-041", "ТОВ «Водобуд»", "office@vodobud.example", "tsentralnyi",
     "вул. Шевченка, 14, тротуар", "Ремонт водопровідного вводу", -30, -3),
    ("ЗР-2026-045", "КП «Тепломережа»", "teplo@novoiarsk.example", "tsentralnyi",
     "вул. Шевченка, 10–16", "Заміна тепломережі", -6, 25),
    ("ЗР-2026-047", "ТОВ «Телекомбуд»", "office@telekombud.example", "pivnichnyi",
     "вул. Молодіжна, 3, газон", "Прокладання кабелю зв'язку", -12, 5),
]  # fmt: skip
YARDS = [
    ("вул. Шевченка, 12–16", "tsentralnyi", 180, 5200),
    ("вул. Молодіжна, 3–7", "pivnichnyi", 240, 6100),
    ("вул. Заводська, 20", "zavodskyi", 96, 2400),
    ("вул. Набережна, 1–5", "livoberezhnyi", 150, 4800),
    ("вул. Садова, 8", "pivdennyi", 72, 1900),
]


def _square(lat: float, lon: float, half: float) -> dict:
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def _city_objects(rng: random.Random, districts: dict) -> str:
    today = timezone.localdate()
    for spec in LAYERS:
        layer = LayerType.objects.filter(slug=spec["slug"]).first()
        if layer is not None:
            continue
        layer = layer_type_save(
            actor=None,
            layer=LayerType(
                slug=spec["slug"],
                name=spec["name"],
                geometry_type=spec["geometry_type"],
                colour=spec["colour"],
                attributes=spec["attributes"],
            ),
        )
        for name, slug, values in spec["objects"]:
            lat, lon = _point(rng, districts[slug])
            city_object_save(
                actor=None,
                layer=layer,
                name=name,
                geometry={"type": "Point", "coordinates": [lon, lat]},
                values=values,
            )
    if not Work.objects.exists():
        for title, contractor, slug, start, end, description in WORKS:
            lat, lon = _point(rng, districts[slug])
            work_save(
                actor=None,
                work=Work(
                    title=title,
                    contractor=contractor,
                    description=description,
                    starts_on=today + timedelta(days=start),
                    ends_on=today + timedelta(days=end),
                    contact_phone="+380532000109",
                ),
                geometry={
                    "type": "LineString",
                    "coordinates": [[lon, lat], [round(lon + 0.004, 6), round(lat + 0.001, 6)]],
                },
            )
    for number, contractor, email, slug, place, purpose, issued, restore in PERMITS:
        if ExcavationPermit.objects.filter(number=number).exists():
            continue
        lat, lon = _point(rng, districts[slug])
        permit_save(
            actor=None,
            permit=ExcavationPermit(
                number=number,
                contractor=contractor,
                contractor_email=email,
                place=place,
                purpose=purpose,
                issued_on=today + timedelta(days=issued),
                restore_by=today + timedelta(days=restore),
            ),
            geometry={"type": "Point", "coordinates": [lon, lat]},
        )
    if not Yard.objects.exists():
        for address, slug, apartments, area in YARDS:
            lat, lon = _point(rng, districts[slug])
            yard_save(
                actor=None,
                yard=Yard(address=address, apartments=apartments, area_m2=area),
                geometry=_square(lat, lon, 0.004),
            )
    return (
        f"{CityObject.objects.count()} city objects in {LayerType.objects.count()} layers, "
        f"{Work.objects.count()} works, {ExcavationPermit.objects.count()} excavation permits, "
        f"{Yard.objects.count()} yards"
    )
