"""Importing the address register from CSV: all lines or none, problems by line in Ukrainian,
and the same file twice changes nothing."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from hromada.core.audit import AuditEvent
from hromada.situation.addresses import addresses_import
from hromada.situation.models import Address
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
