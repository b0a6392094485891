"""City objects and their layers, works, excavation permits (with the claims job and a real
mail server on loopback) and the yard-repair list."""

import json
from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory
from hromada.appeals.tests.factories import staff_of
from hromada.appeals.tests.smtp import SMTPServer
from hromada.core.errors import Conflict, PermissionDenied, ValidationFailed
from hromada.directory.tests.factories import AddresseeFactory
from hromada.situation import city_selectors, city_services
from hromada.situation.claims import claim_deliver
from hromada.situation.models import (
    CityObject,
    ExcavationPermit,
    LayerType,
    PermitClaim,
    Work,
    Yard,
)
from hromada.situation.tests.factories import report

pytestmark = pytest.mark.django_db
POINT = {"type": "Point", "coordinates": [30.0, 50.0]}
YARD = {
    "type": "Polygon",
    "coordinates": [
        [[29.99, 49.99], [30.01, 49.99], [30.01, 50.01], [29.99, 50.01], [29.99, 49.99]]
    ],
}


@pytest.fixture
def playgrounds(db):
    return city_services.layer_type_save(
        actor=None,
        layer=LayerType(
            name="Дитячі майданчики",
            slug="playgrounds",
            attributes=[
                {"key": "age", "label": "Вік", "type": "text"},
                {"key": "built", "label": "Збудовано", "type": "date"},
                {"key": "area", "label": "Площа", "type": "number"},
            ],
        ),
    )


def upload(name, text):
    return SimpleUploadedFile(name, text.encode("utf-8"))


PEOPLE = {
    "anonymous": lambda: AnonymousUser(),
    "another resident": lambda: UserFactory(),
    "staff without the right": lambda: staff_of(AddresseeFactory()),
    "operator": lambda: UserFactory(roles=[Role.OPERATOR]),
}


@pytest.mark.parametrize("who", PEOPLE)
def test_city_objects_for_four_people(playgrounds, who):
    user = PEOPLE[who]()
    geojson = json.dumps(
        {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": POINT,
         "properties": {"name": "Майданчик"}}]}
    )  # fmt: skip
    actions = [
        lambda: city_services.city_object_save(
            actor=user, layer=playgrounds, name="Майданчик", geometry=POINT, values={}
        ),
        lambda: city_services.city_objects_import(
            actor=user, layer=playgrounds, upload=upload("a.geojson", geojson)
        ),
    ]
    for action in actions:
        if who == "operator":
            action()
        else:
            with pytest.raises(PermissionDenied):
                action()
    assert CityObject.objects.count() == (2 if who == "operator" else 0)


def test_import_geojson_and_csv_all_or_nothing(playgrounds):
    good = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": POINT,
             "properties": {"name": "Майданчик на Шевченка", "age": "3–12", "area": "120,5"}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [30.01, 50.01]},
             "properties": {"name": "Майданчик у парку", "built": "2021-05-01"}},
        ],
    }  # fmt: skip
    assert (
        city_services.city_objects_import(
            actor=None, layer=playgrounds, upload=upload("p.geojson", json.dumps(good))
        )
        == 2
    )
    first = CityObject.objects.get(name="Майданчик на Шевченка")
    assert first.values == {"age": "3–12", "area": 120.5}
    csv_text = "name;latitude;longitude;built\nМайданчик біля школи;50,02;30,02;2020-09-01\n"
    assert (
        city_services.city_objects_import(
            actor=None, layer=playgrounds, upload=upload("p.csv", csv_text)
        )
        == 1
    )
    assert CityObject.objects.count() == 3
    for name, text, message in (
        ("bad.csv", "name,latitude,longitude\nА,50,30\nБ,,30\n", "Object 2: "),
        ("bad.csv", "name,latitude,longitude,built\nА,50,30,вчора\n", "«Збудовано» must be"),
        ("bad.csv", "title,x\nА,1\n", "The CSV needs the columns"),
        ("bad.geojson", "{not json", "The file is not GeoJSON."),
        (
            "line.geojson",
            json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[30, 50], [30.1, 50.1]]},
                "properties": {"name": "Лінія"}}]}),
            "This layer holds Points",
        ),
    ):  # fmt: skip
        with pytest.raises(ValidationFailed) as refused:
            city_services.city_objects_import(
                actor=None, layer=playgrounds, upload=upload(name, text)
            )
        assert message in refused.value.message
    assert CityObject.objects.count() == 3


def test_each_public_layer_has_its_geojson(playgrounds):
    city_services.city_object_save(
        actor=None, layer=playgrounds, name="Майданчик", geometry=POINT, values={"age": "3+"}
    )
    hidden = city_services.layer_type_save(
        actor=None, layer=LayerType(name="Камери", slug="cameras", is_public=False)
    )
    client = Client()
    data = client.get("/api/v1/situation/layers/playgrounds.geojson").json()
    assert data["features"][0]["properties"] == {
        "name": "Майданчик",
        "attributes": [{"label": "Вік", "value": "3+"}],
    }
    away = client.get("/api/v1/situation/layers/playgrounds.geojson?bbox=31,51,31.1,51.1")
    assert away.json()["features"] == []
    assert client.get(f"/api/v1/situation/layers/{hidden.slug}.geojson").status_code == 404


def test_works_on_the_map_until_they_end(db):
    today = date(2026, 6, 1)
    for title, start, end in (
        ("Ремонт тепломережі на Шевченка", today - timedelta(days=3), today + timedelta(days=10)),
        ("Асфальтування Соборної", today + timedelta(days=5), today + timedelta(days=20)),
        ("Старий ремонт", today - timedelta(days=30), today - timedelta(days=1)),
    ):
        city_services.work_save(
            actor=None,
            work=Work(title=title, contractor="ТОВ «Шляхбуд»", starts_on=start, ends_on=end),
            geometry={"type": "LineString", "coordinates": [[30.0, 50.0], [30.01, 50.0]]},
        )
    with pytest.raises(ValidationFailed):
        city_services.work_save(
            actor=None,
            work=Work(
                title="Навпаки", contractor="x", starts_on=today, ends_on=today - timedelta(1)
            ),
            geometry=POINT,
        )
    with time_machine.travel(today):
        features = Client().get("/api/v1/situation/works.geojson").json()["features"]
        page = Client().get("/en/map/works/").content.decode()
    assert [(f["properties"]["title"], f["properties"]["ongoing"]) for f in features] == [
        ("Ремонт тепломережі на Шевченка", True),
        ("Асфальтування Соборної", False),
    ]
    assert "Ремонт тепломережі на Шевченка" in page and "Старий ремонт" not in page


def permit(number="ЗР-2026-001", restore_by=date(2026, 5, 10)):
    return city_services.permit_save(
        actor=None,
        permit=ExcavationPermit(
            number=number,
            contractor="ТОВ «Водобуд»",
            contractor_email="office@vodobud.example",
            place="вул. Шевченка, 12, тротуар",
            issued_on=date(2026, 5, 1),
            restore_by=restore_by,
        ),
        geometry=POINT,
    )


def test_an_overdue_permit_sends_two_claims_exactly_once(settings, monkeypatch):
    settings.SITUATION_POLICE_EMAIL = "patrol@police.example"
    late = permit()
    on_time = permit("ЗР-2026-002", restore_by=date(2026, 6, 30))
    closed = permit("ЗР-2026-003")
    city_services.permit_close(actor=None, permit_id=closed.pk, closed_on=date(2026, 5, 9))
    with time_machine.travel(date(2026, 5, 11)):
        assert city_services.permits_check_overdue() == 1
        assert city_services.permits_check_overdue() == 0
    claims = PermitClaim.objects.filter(permit=late).order_by("recipient_kind")
    assert [(c.recipient_kind, c.recipient) for c in claims] == [
        ("contractor", "office@vodobud.example"),
        ("police", "patrol@police.example"),
    ]
    assert ExcavationPermit.objects.get(pk=late.pk).overdue_since is not None
    assert not PermitClaim.objects.filter(permit__in=[on_time, closed]).exists()

    with SMTPServer() as smtp:
        monkeypatch.setenv("EMAIL_HOST", "127.0.0.1")
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        for claim in claims:
            assert claim_deliver(claim.pk) is True
            assert claim_deliver(claim.pk) is False  # sent once, however often asked
    assert sorted(r for recipients, _m in smtp.messages for r in recipients) == [
        "office@vodobud.example",
        "patrol@police.example",
    ]
    assert all("ЗР-2026-001" in message["Subject"] for _r, message in smtp.messages)
    assert PermitClaim.objects.filter(sent_at__isnull=False).count() == 2
    with time_machine.travel(date(2026, 5, 11)):
        page = Client().get("/en/map/permits/?overdue=1").content.decode()
    assert "ЗР-2026-001" in page and "Overdue: claims sent" in page
    assert "ЗР-2026-002" not in page and "office@vodobud.example" not in page
    with pytest.raises(Conflict):
        city_services.permit_close(actor=None, permit_id=closed.pk, closed_on=date(2026, 5, 9))


def test_the_yard_list_ranks_by_its_published_formula(centre, settings):
    settings.SITUATION_YARD_WEIGHTS = {"apartments": 1, "appeals": 5, "area": 0.5}
    big = city_services.yard_save(
        actor=None, yard=Yard(address="вул. Миру, 5", apartments=120, area_m2=4000), geometry=YARD
    )
    complained = city_services.yard_save(
        actor=None,
        yard=Yard(address="вул. Шевченка, 12", apartments=60, area_m2=2000),
        geometry={
            "type": "Polygon",
            "coordinates": [[[30.02, 50.02], [30.03, 50.02], [30.03, 50.03], [30.02, 50.03],
                             [30.02, 50.02]]],
        },
    )  # fmt: skip
    for _ in range(15):
        report(latitude=50.025, longitude=30.025)
    report(latitude=50.08, longitude=30.08)  # outside both yards
    city_services.yards_recount()
    ranked = city_selectors.yards_ranked()
    assert [(r.yard.pk, r.yard.appeals_count, r.score) for r in ranked] == [
        (complained.pk, 15, 60 + 75 + 10),
        (big.pk, 0, 120 + 0 + 20),
    ]
    page = Client().get("/en/map/yards/").content.decode()
    assert "Score = apartments × 1 + appeals about the yard × 5" in page
    assert page.index("вул. Шевченка, 12") < page.index("вул. Миру, 5")
