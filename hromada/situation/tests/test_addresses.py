"""Importing the address register from CSV: all lines or none, problems by line in Ukrainian,
and the same file twice changes nothing; the master register's codes, unique, by the import,
the service and the admin."""

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import translation

from hromada.accounts.tests.factories import UserFactory
from hromada.core.audit import AuditEvent
from hromada.core.errors import Conflict, ValidationFailed
from hromada.situation.addresses import addresses_import
from hromada.situation.models import Address
from hromada.situation.services import address_upsert
from hromada.situation.tests.factories import address, district

pytestmark = pytest.mark.django_db

GOOD = (
    "street;house;latitude;longitude;district\n"
    "вулиця Шевченка;12;50.001;30.001;\n"
    "вулиця Шевченка;14а;50,002;30,002;centre\n"
    "проспект Миру;3;50.01;30.02;\n"
).encode()


def test_a_register_is_imported_and_a_second_import_changes_nothing(centre):
    address(street="вулиця Шевченка", house="12", latitude=49.95, longitude=29.95)
    first = addresses_import(actor=None, content=GOOD)
    assert (first.created, first.updated, first.unchanged, first.problems) == (2, 1, 0, [])
    moved = Address.objects.get(street="вулиця Шевченка", house="12")
    assert (moved.latitude, moved.longitude, moved.district) == (50.001, 30.001, centre)
    assert Address.objects.get(house="14а").latitude == 50.002
    again = addresses_import(actor=None, content=GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Address.objects.count() == 3
    assert AuditEvent.objects.filter(action="situation.addresses_imported").count() == 2


def test_bad_lines_are_listed_in_ukrainian_and_nothing_is_written(centre):
    district("other")  # a second district, without a boundary of its own
    content = (
        "вулиця,будинок,широта,довгота,район\n"
        "вулиця Шевченка,12,50.001,30.001,\n"
        ",5,50.0,30.0,\n"
        "вулиця Лесі Українки,7,north,30.0,\n"
        "вулиця Франка,1,48.0,35.0,\n"
        "вулиця Франка,2,50.0,30.0,Марс\n"
        "вулиця Шевченка,12,50.002,30.002,\n"
    ).encode()
    with translation.override("uk"):
        result = addresses_import(actor=None, content=content)
    assert result.problems == [
        "Рядок 3: немає вулиці.",
        "Рядок 4: широта — не число градусів.",
        "Рядок 5: точка лежить поза громадою.",
        "Рядок 6: у громаді немає району «Марс».",
        "Рядок 7: та сама адреса, що й у рядку 2.",
    ]
    assert not Address.objects.exists()


def test_a_file_without_the_columns_or_not_in_utf8_is_refused(centre):
    with translation.override("uk"):
        with pytest.raises(Exception, match="потрібні стовпці"):
            addresses_import(actor=None, content=b"name,lat\nx,1\n")
        with pytest.raises(Exception, match="UTF-8"):
            addresses_import(actor=None, content="вулиця".encode("cp1251"))


def test_the_command_imports_and_reports_by_line(centre, tmp_path, capsys):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(GOOD)
    bad.write_bytes(b"street,house,lat,lon\n,1,50,30\n")
    with translation.override("uk"):
        call_command("address_import", str(good))
        assert "створено: 3" in capsys.readouterr().out.lower()
        with pytest.raises(CommandError, match="1 помилка"):
            call_command("address_import", str(bad))
        assert "Рядок 2: немає вулиці." in capsys.readouterr().err
    assert Address.objects.count() == 3


# --- The master register's codes (Open311's address_id) -------------------------------------

CODED = (
    "код,вулиця,будинок,широта,довгота\n"
    "R-1,вулиця Шевченка,12,50.001,30.001\n"
    "R-2,вулиця Шевченка,14,50.002,30.002\n"
    ",проспект Миру,3,50.01,30.02\n"
).encode()


def test_codes_are_imported_kept_when_left_empty_and_changed_when_given(centre):
    first = addresses_import(actor=None, content=CODED)
    assert (first.created, first.problems) == (3, [])
    codes = dict(Address.objects.values_list("house", "code"))
    assert codes == {"12": "R-1", "14": "R-2", "3": ""}
    # A file without codes moves nothing and keeps the codes; a new code is an update.
    assert addresses_import(actor=None, content=GOOD.replace(b";centre", b";")).problems == []
    assert Address.objects.get(house="12").code == "R-1"
    recoded = addresses_import(
        actor=None,
        content="code,street,house,lat,lon\nR-12,вулиця Шевченка,12,50.001,30.001\n".encode(),
    )
    assert (recoded.updated, recoded.unchanged) == (1, 0)
    assert Address.objects.get(house="12").code == "R-12"


def test_a_code_given_twice_or_already_held_is_refused_by_line_and_nothing_is_written(centre):
    addresses_import(actor=None, content=CODED)
    twice = (
        "code,street,house,lat,lon\n"
        "R-7,вулиця Франка,1,50.0,30.0\n"
        "R-7,вулиця Франка,2,50.0,30.0\n"
        f"{'x' * 65},вулиця Франка,3,50.0,30.0\n"
    ).encode()
    with translation.override("uk"):
        result = addresses_import(actor=None, content=twice)
        assert result.problems == [
            "Рядок 3: код реєстру R-7 також у рядку 2.",
            "Рядок 4: код реєстру довший за 64 символи.",
        ]
        # R-2 belongs to Шевченка 14 in the register: giving it to Франка 1 is refused, and
        # so is a swap within one file (the codes move in two imports).
        held = "code,street,house,lat,lon\nR-2,вулиця Франка,1,50.0,30.0\n".encode()
        assert addresses_import(actor=None, content=held).problems == [
            "Рядок 2: код реєстру R-2 вже має адреса вулиця Шевченка, 14."
        ]
    assert Address.objects.count() == 3
    assert dict(Address.objects.values_list("house", "code"))["14"] == "R-2"


def test_the_service_keeps_codes_unique_and_edits_one_row(centre):
    first = address(street="вулиця Шевченка", house="12")
    address_upsert(street="вулиця Шевченка", house="12", latitude=50.0, longitude=30.0, code="A")
    with pytest.raises(ValidationFailed) as refused:
        address_upsert(street="вулиця Франка", house="1", latitude=50, longitude=30, code=" A ")
    assert refused.value.code == "code_taken" and "вулиця Шевченка, 12" in refused.value.message
    # Edited as one row (the admin's way), the street changes and no second row appears.
    moved = address_upsert(
        street="вулиця Франка", house="1", latitude=50, longitude=30, code="A", address=first
    )
    assert moved.pk == first.pk and Address.objects.get().search_text == "вулиця франка 1"
    # An edit onto another row's street and house is the database's refusal, as a conflict.
    second = address(street="вулиця Шевченка", house="14")
    with pytest.raises(Conflict):
        address_upsert(street="вулиця Франка", house="1", latitude=50, longitude=30, address=second)
    second.refresh_from_db()
    assert (second.street, second.house) == ("вулиця Шевченка", "14")
    second.delete()
    # None keeps the code; an empty code clears it.
    address_upsert(street="вулиця Франка", house="1", latitude=50.1, longitude=30)
    assert Address.objects.get().code == "A"
    address_upsert(street="вулиця Франка", house="1", latitude=50.1, longitude=30, code="")
    assert Address.objects.get().code == ""


def test_two_empty_codes_are_no_conflict_but_the_database_refuses_a_shared_code(centre):
    address(street="вулиця Шевченка", house="12")
    address(street="вулиця Шевченка", house="14")
    Address.objects.filter(house="12").update(code="B")
    with pytest.raises(IntegrityError), transaction.atomic():
        Address.objects.filter(house="14").update(code="B")


def test_the_admin_edits_an_address_with_its_code_through_the_service(centre, settings):
    settings.STAFF_MFA_REQUIRED = False
    kept = address(street="вулиця Шевченка", house="12")
    Address.objects.filter(pk=kept.pk).update(code="C-1")
    other = address(street="вулиця Франка", house="1")
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = f"/admin/situation/address/{other.pk}/change/"
    form = {"street": "вулиця Франка", "house": "1а", "latitude": "50", "longitude": "30"}
    taken = client.post(url, {**form, "code": "C-1"})  # the admin speaks Ukrainian
    assert taken.status_code == 200 and "Цей код реєстру вже має інша адреса." in (
        taken.content.decode()
    )
    impossible = client.post(url, {**form, "code": "", "latitude": "95"})
    assert "Точка має неможливі координати." in impossible.content.decode()
    saved = client.post(url, {**form, "code": " C-2 "})
    assert saved.status_code == 302
    other.refresh_from_db()
    assert (other.house, other.code, other.search_text) == ("1а", "C-2", "вулиця франка 1а")
    assert Address.objects.count() == 2
    added = client.post("/admin/situation/address/add/", {**form, "house": "3", "code": "C-3"})
    assert added.status_code == 302 and Address.objects.get(code="C-3").house == "3"


def test_a_code_is_found_through_the_codes_index_on_sqlite(centre):
    address_upsert(street="вулиця Шевченка", house="12", latitude=50, longitude=30, code="K-1")
    assert Address.objects.with_code("K-1").get().house == "12"
    assert not Address.objects.with_code("").exists()
    if connection.vendor == "sqlite":  # PostgreSQL's planner proves the condition by itself
        assert "USING INDEX address_code_once" in Address.objects.with_code("K-1").explain()
