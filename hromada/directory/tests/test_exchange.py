import csv
import io
import random
import zipfile
from datetime import time

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.utils import translation
from django.utils.translation import gettext
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from hromada.accounts.tests.factories import UserFactory
from hromada.core.errors import ValidationFailed
from hromada.core.models import AuditEvent
from hromada.directory import exchange, services
from hromada.directory.exchange import (
    COLUMNS,
    export_directory_csv,
    export_directory_xlsx,
    format_week,
    import_directory,
    parse_week,
)
from hromada.directory.models import (
    Addressee,
    AddresseeGroup,
    Competency,
    Schedule,
    ScheduleDay,
)
from hromada.directory.schedules import DayHours

WEEK = "mon-thu 08:00-17:00 break 12:00-12:45; fri 08:00-15:45 break 12:00-12:45"

# Three levels, the child first: a parent may come later in the file.
CITY = [
    {
        "code": "head-of-housing",
        "parent_code": "housing",
        "kind": "official",
        "name": "Начальник управління ЖКГ",
        "position": "Начальник управління",
        "person_name": "Іван Коваль",
        "phones": "067 123 45 67; +380442223344",
        "emails": "Koval@Rada.Example.org",
        "order": "2",
        "published": "ні",
    },
    {
        "code": "housing",
        "parent_code": "council",
        "kind": "department",
        "name": "Управління житлово-комунального господарства",
        "description": "Тепло, вода, вивіз сміття.\nПрийом щовівторка.",
        "competencies": "вивіз сміття; тепло",
        "groups": "vykonkom; cnap",
        "website": "https://rada.example.org/zhkg",
        "office_address": "вул. Шевченка, 1",
        "latitude": "49,0695",
        "longitude": "33,4204",
        "schedule": WEEK,
    },
    {"code": "council", "kind": "council", "name": "Новоярська міська рада"},
]


def csv_file(*rows, columns=COLUMNS, delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return out.getvalue().encode("utf-8-sig")


def xlsx_file(*rows):
    workbook = Workbook()
    workbook.active.append(COLUMNS)
    for row in rows:
        workbook.active.append([row.get(column) for column in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def located(result):
    return [(problem.line, problem.column) for problem in result.problems]


def counts():
    return (
        Addressee.objects.count(),
        Schedule.objects.count(),
        ScheduleDay.objects.count(),
        Competency.objects.count(),
        AuditEvent.objects.count(),
    )


def snapshot():
    """Everything the file format carries, per code."""
    found = {}
    for a in Addressee.objects.select_related("parent").prefetch_related(
        "competencies", "groups", "schedules__days"
    ):
        found[a.slug] = {
            "parent": a.parent.slug if a.parent else None,
            **{
                name: getattr(a, name)
                for name in [
                    "kind",
                    "name",
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
                ]
            },
            "competencies": sorted(c.name for c in a.competencies.all()),
            "groups": sorted(g.slug for g in a.groups.all()),
            "schedules": [
                (
                    s.name,
                    s.is_primary,
                    [
                        (d.weekday, d.opens, d.closes, d.break_starts, d.break_ends)
                        for d in s.days.all()
                    ],
                )
                for s in a.schedules.all()
            ],
        }
    return found


@pytest.fixture
def groups(db):
    return [
        AddresseeGroup.objects.create(name="Виконком", slug="vykonkom"),
        AddresseeGroup.objects.create(name="ЦНАП", slug="cnap"),
    ]


# --- The schedule as text -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        (WEEK, WEEK),
        (
            "Пн-Пт: 8.00 – 17.00 перерва 12-13; сб-нд вихідний",
            "mon-fri 08:00-17:00 break 12:00-13:00",
        ),
        ("Monday - Friday 9:00-18:00", "mon-fri 09:00-18:00"),
        ("mon, wed-thu 09:00-13:00", "mon 09:00-13:00; wed-thu 09:00-13:00"),
        ("sat 10:00-14:00; mon-fri 08:00-17:00;", "mon-fri 08:00-17:00; sat 10:00-14:00"),
        ("CLOSED", "closed"),
    ],
)
def test_a_schedule_is_read_leniently_and_written_one_way(text, canonical):
    assert format_week(parse_week(text)) == canonical


def test_a_parsed_schedule_has_the_hours_and_the_break():
    week = parse_week(WEEK)
    assert sorted(week) == [0, 1, 2, 3, 4]
    assert week[0] == DayHours(time(8), time(17), time(12), time(12, 45))
    assert week[4] == DayHours(time(8), time(15, 45), time(12), time(12, 45))
    assert parse_week("sat-sun closed; mon 09:00-10:00") == {0: DayHours(time(9), time(10))}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("mon-fri 08:00-17:00 break 07:00-08:30", "must lie inside the working hours"),
        ("mon-fri 17:00-08:00", "closing time must be after the opening time"),
        ("mon 08:00-17:00 break 13:00-12:00", "break must end after it starts"),
        ("fri-mon 08:00-17:00", "runs backwards"),
        ("mon 25:00-26:00", "not a time of day"),
        ("someday 08:00-17:00", "not a day of the week"),
        ("mon-tue-wed 08:00-17:00", "not a day or a range of days"),
        ("mon 08:00-17:00; mon 09:00-10:00", "appears twice"),
        ("mon-fri from eight to five", "cannot be read as days and hours"),
        (" ; ", "empty"),
    ],
)
def test_a_schedule_that_cannot_be_meant_is_refused(text, reason):
    with translation.override("en"), pytest.raises(ValidationFailed, match=reason) as refused:
        parse_week(text)
    assert refused.value.field == "schedule"


MINUTES = st.integers(0, 23 * 60 + 59).map(lambda m: time(m // 60, m % 60))
RANDOM_HOURS = st.one_of(
    st.lists(MINUTES, min_size=2, max_size=2, unique=True).map(lambda t: DayHours(*sorted(t))),
    st.lists(MINUTES, min_size=4, max_size=4, unique=True)
    .map(sorted)
    .map(lambda t: DayHours(t[0], t[3], t[1], t[2])),
)
# A few shared hours, so that consecutive days with the same hours (ranges) come up often.
COMMON_HOURS = st.sampled_from(
    [DayHours(time(8), time(17), time(12), time(13)), DayHours(time(9), time(18))]
)
WEEKS = st.dictionaries(st.integers(0, 6), st.one_of(COMMON_HOURS, RANDOM_HOURS), max_size=7)


@given(WEEKS)
def test_any_week_survives_format_and_parse(week):
    text = format_week(week)
    assert parse_week(text) == week
    assert format_week(parse_week(text)) == text


# --- Import -------------------------------------------------------------------------------


def test_a_clean_file_creates_the_whole_tree(groups):
    actor = UserFactory(roles=["administrator"])
    result = import_directory(csv_file(*CITY), actor=actor)

    assert result.ok, result.problems
    assert (result.created, result.updated) == (3, 0)
    council = Addressee.objects.get(slug="council")
    housing = Addressee.objects.get(slug="housing")
    head = Addressee.objects.get(slug="head-of-housing")
    assert council.parent is None
    assert housing.parent == council
    assert head.parent == housing
    assert head.phones == ["+380 67 123 4567", "+380 44 222 3344"]
    assert head.emails == ["koval@rada.example.org"]
    assert (head.order, head.is_published, head.kind) == (2, False, "official")
    assert (council.order, council.is_published) == (0, True)
    assert sorted(c.name for c in housing.competencies.all()) == ["вивіз сміття", "тепло"]
    assert set(housing.groups.all()) == set(groups)
    assert (housing.latitude, housing.longitude) == (49.0695, 33.4204)
    assert housing.description == "Тепло, вода, вивіз сміття.\nПрийом щовівторка."
    schedule = Schedule.objects.get(addressee=housing)
    assert schedule.is_primary
    days = {
        d.weekday: (d.opens, d.closes, d.break_starts, d.break_ends) for d in schedule.days.all()
    }
    assert days == {
        **dict.fromkeys(range(4), (time(8), time(17), time(12), time(12, 45))),
        4: (time(8), time(15, 45), time(12), time(12, 45)),
    }
    assert not Schedule.objects.filter(addressee__in=[council, head]).exists()
    created = AuditEvent.objects.filter(action="addressee.created")
    assert created.count() == 3
    assert set(created.values_list("actor", flat=True)) == {actor.pk}
    assert {event.payload["via"] for event in created} == {"import"}


def test_an_import_again_updates_and_duplicates_nothing(groups):
    assert import_directory(csv_file(*CITY)).ok
    changed = [dict(row) for row in CITY]
    changed[0]["phones"] = "0472 36 12 34"
    changed[1]["groups"] = "cnap"
    changed[1]["competencies"] = "тепло"
    changed[1]["schedule"] = "mon-fri 09:00-18:00"
    changed[2]["name"] = "Новоярська міська рада Черкаської області"

    result = import_directory(csv_file(*changed))

    assert result.ok, result.problems
    assert (result.created, result.updated) == (0, 3)
    assert Addressee.objects.count() == 3
    assert Competency.objects.count() == 2  # the one no longer used stays in the list
    assert Addressee.objects.get(slug="council").name.endswith("області")
    assert Addressee.objects.get(slug="head-of-housing").phones == ["+380 472 361 234"]
    housing = Addressee.objects.get(slug="housing")
    assert [g.slug for g in housing.groups.all()] == ["cnap"]
    assert [c.name for c in housing.competencies.all()] == ["тепло"]
    schedule = Schedule.objects.get(addressee=housing)
    assert [(d.weekday, d.opens, d.break_starts) for d in schedule.days.all()] == [
        (day, time(9), None) for day in range(5)
    ]


def test_columns_left_out_keep_what_the_directory_has(groups):
    assert import_directory(csv_file(*CITY)).ok
    before = snapshot()
    renamed = {"code": "housing", "kind": "department", "name": "Управління ЖКГ"}

    result = import_directory(csv_file(renamed, columns=["name", "kind", "code"]))

    assert result.ok, result.problems
    after = snapshot()
    assert after["housing"]["name"] == "Управління ЖКГ"
    after["housing"]["name"] = before["housing"]["name"]
    assert after == before


def test_an_empty_schedule_cell_leaves_the_schedules_and_a_full_one_keeps_their_settings(db):
    council = services.addressee_upsert(slug="council", kind="council", name="Рада")
    services.schedule_set(
        addressee=council,
        week={0: DayHours(time(8), time(12))},
        name="Прийом громадян",
        closed_on_public_holidays=False,
    )
    row = {"code": "council", "kind": "council", "name": "Рада"}

    assert import_directory(csv_file(row)).ok
    schedule = Schedule.objects.get(addressee=council)
    assert [(d.weekday, d.closes) for d in schedule.days.all()] == [(0, time(12))]

    assert import_directory(csv_file({**row, "schedule": "tue 10:00-11:00"})).ok
    schedule = Schedule.objects.get(addressee=council)
    assert (schedule.name, schedule.is_primary, schedule.closed_on_public_holidays) == (
        "Прийом громадян",
        True,
        False,
    )
    assert [(d.weekday, d.opens) for d in schedule.days.all()] == [(1, time(10))]


def test_a_parent_may_already_be_in_the_directory(db):
    council = services.addressee_upsert(slug="council", kind="council", name="Рада")
    row = {"code": "housing", "parent_code": "council", "kind": "department", "name": "ЖКГ"}

    assert import_directory(csv_file(row)).ok
    assert Addressee.objects.get(slug="housing").parent == council


def test_a_file_may_turn_a_branch_upside_down(db):
    top = services.addressee_upsert(slug="a", kind="department", name="A")
    services.addressee_upsert(slug="b", kind="unit", name="B", parent=top)
    rows = [
        {"code": "a", "parent_code": "b", "kind": "unit", "name": "A"},
        {"code": "b", "parent_code": "", "kind": "department", "name": "B"},
    ]

    result = import_directory(csv_file(*rows))

    assert result.ok, result.problems
    assert Addressee.objects.get(slug="b").parent is None
    assert Addressee.objects.get(slug="a").parent.slug == "b"


def test_every_broken_row_is_reported_and_nothing_is_written(groups):
    council = services.addressee_upsert(slug="existing", kind="council", name="Рада")
    services.schedule_set(addressee=council, week={0: DayHours(time(8), time(17))})
    before = counts()
    good = {"kind": "department", "name": "Відділ"}
    rows = [
        {**good, "code": "council"},  # 2: right
        {**good, "code": "", "kind": "ministry"},  # 3
        {**good, "code": "Bad Code", "name": ""},  # 4
        {**good, "code": "council"},  # 5
        {**good, "code": "x1", "parent_code": "nowhere"},  # 6
        {**good, "code": "x2", "groups": "vykonkom; nosuch"},  # 7
        {**good, "code": "x3", "phones": "12345", "emails": "not-an-email", "website": "rada"},
        {**good, "code": "x4", "latitude": "49.1"},  # 9
        {**good, "code": "x5", "latitude": "abc", "order": "-1", "published": "maybe"},  # 10
        {**good, "code": "x6", "schedule": "mon-fri 08:00-17:00 break 07:00-08:00"},  # 11
        {**good, "code": "x7", "schedule": "someday 9-5"},  # 12
        {**good, "code": "x8", "latitude": "95", "longitude": "30"},  # 13
        {**good, "code": "c1", "parent_code": "c2"},  # 14
        {**good, "code": "c2", "parent_code": "c1"},  # 15
        {**good, "code": "s1", "parent_code": "s1"},  # 16
        {**good, "code": "child", "parent_code": "c1"},  # 17: under a circle, told nothing
        {**good, "code": "x9", "name": "Я" * 301},  # 18
        {**good, "code": "groups"},  # 19: a path of the catalogue
    ]

    with translation.override("en"):
        result = import_directory(csv_file(*rows))

    assert not result.ok
    assert (result.created, result.updated) == (0, 0)
    assert located(result) == [
        (3, "code"),
        (3, "kind"),
        (4, "code"),
        (4, "name"),
        (5, "code"),
        (6, "parent_code"),
        (7, "groups"),
        (8, "phones"),
        (8, "emails"),
        (8, "website"),
        (9, "longitude"),
        (10, "latitude"),
        (10, "order"),
        (10, "published"),
        (11, "schedule"),
        (12, "schedule"),
        (13, "latitude"),
        (14, "parent_code"),
        (15, "parent_code"),
        (16, "parent_code"),
        (18, "name"),
        (19, "code"),
    ]
    messages = {(p.line, p.column): p.message for p in result.problems}
    assert messages[(3, "code")] == "A value is required here."
    assert messages[(3, "kind")].startswith("Unknown kind “ministry”; the kinds are: council,")
    assert messages[(5, "code")] == "The code “council” is already used on line 2."
    assert "“nowhere”" in messages[(6, "parent_code")]
    assert messages[(7, "groups")] == "Unknown groups: nosuch"
    assert messages[(9, "longitude")] == "Give both the latitude and the longitude."
    assert messages[(14, "parent_code")] == "The parents go round in a circle: c1 → c2 → c1."
    assert messages[(15, "parent_code")] == "The parents go round in a circle: c2 → c1 → c2."
    assert messages[(16, "parent_code")] == "The parents go round in a circle: s1 → s1."
    assert "301" in messages[(18, "name")]
    assert counts() == before


def test_a_circle_through_the_directory_is_refused(db):
    top = services.addressee_upsert(slug="a", kind="department", name="A")
    services.addressee_upsert(slug="b", kind="unit", name="B", parent=top)
    row = {"code": "a", "parent_code": "b", "kind": "unit", "name": "A"}

    with translation.override("en"):
        result = import_directory(csv_file(row))

    assert [(p.line, p.column, p.message) for p in result.problems] == [
        (2, "parent_code", "The parents go round in a circle: a → b → a.")
    ]
    assert Addressee.objects.get(slug="a").parent is None


def test_a_break_outside_the_hours_is_refused_in_words_a_person_understands(db):
    row = {**CITY[2], "schedule": "mon-fri 08:00-17:00 break 12:00-18:00"}

    result = import_directory(csv_file(row))

    # The reason comes from schedules.validate_hours through gettext, so it is Ukrainian.
    assert [(p.line, p.column) for p in result.problems] == [(2, "schedule")]
    reason = gettext("The break (%(break)s) must lie inside the working hours (%(hours)s).")
    assert result.problems[0].message == "mon-fri: " + reason % {
        "break": "12:00–18:00",
        "hours": "08:00–17:00",
    }
    with translation.override("en"):
        assert (
            "must lie inside the working hours"
            in import_directory(csv_file(row)).problems[0].message
        )
    assert not Addressee.objects.exists()


def test_a_failure_inside_the_transaction_undoes_every_row(groups, monkeypatch):
    # The addressees are written by then; a clash at the last step must take them back.
    def clash(weeks):
        raise IntegrityError("another editor got there first")

    monkeypatch.setattr(services, "_replace_primary_weeks", clash)
    before = counts()

    result = import_directory(csv_file(*CITY))

    assert [(p.line, p.column) for p in result.problems] == [(0, "")]
    assert "import it again" in result.problems[0].message or "ще раз" in result.problems[0].message
    assert (result.created, result.updated) == (0, 0)
    assert counts() == before


def test_line_numbers_are_those_of_the_file(db):
    rows = [
        {"code": "a", "kind": "council", "name": "A", "description": "two\nlines"},
        {"code": "b", "kind": "nonsense", "name": "B"},
    ]
    blank_line_first = b"\r\n" + csv_file(*rows)[3:]  # the BOM dropped, a blank line added

    assert located(import_directory(csv_file(*rows))) == [(4, "kind")]
    assert located(import_directory(blank_line_first)) == [(5, "kind")]


def test_a_csv_from_excel_with_semicolons_is_read(db):
    row = {"code": "council", "kind": "council", "name": "Рада", "phones": "0472361234; 0671234567"}

    result = import_directory(csv_file(row, delimiter=";"))

    assert result.ok, result.problems
    assert Addressee.objects.get().phones == ["+380 472 361 234", "+380 67 123 4567"]


def test_an_xlsx_workbook_is_read_with_its_numbers(groups):
    rows = [
        {**CITY[2], "order": 3, "latitude": 49.0695, "longitude": 33.4204, "published": False},
        {**CITY[1], "latitude": None, "longitude": None},
    ]

    result = import_directory(xlsx_file(*rows))

    assert result.ok, result.problems
    council = Addressee.objects.get(slug="council")
    assert (council.order, council.latitude, council.is_published) == (3, 49.0695, False)
    assert Addressee.objects.get(slug="housing").parent == council


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\r\n \r\n", id="blank lines"),
        pytest.param(",".join(COLUMNS).encode(), id="header only"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, id="png"),
        pytest.param(random.Random(7).randbytes(4096), id="random bytes"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), id="old xls"),
        pytest.param(b"code,kind,name\x00\nx,council,X\n", id="text with nul"),
        pytest.param("code,kind,name\nrada,council,Міська рада\n".encode("cp1251"), id="not utf-8"),
    ],
)
def test_a_file_that_is_not_a_table_is_refused(db, data):
    result = import_directory(data)

    assert not result.ok
    assert [(p.line, p.column) for p in result.problems] == [(0, "")]
    assert not Addressee.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_refused(db):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("code.csv", "code,kind,name\nrada,council,Рада\n")
    truncated = xlsx_file(CITY[2])[:600]

    for data in [out.getvalue(), truncated]:
        with translation.override("en"):
            problems = import_directory(data).problems
        assert [(p.line, p.column) for p in problems] == [(0, "")]
        assert "neither CSV in UTF-8 nor an XLSX workbook" in problems[0].message
    assert not Addressee.objects.exists()


def test_the_header_must_name_the_required_columns(db):
    row = {"code": "council", "name": "Рада"}

    result = import_directory(csv_file(row, columns=["code", "name", "phone"]))

    assert located(result) == [(1, "phone"), (1, "kind")]


def test_an_unknown_column_is_told_along_with_the_rows(db):
    result = import_directory(csv_file({"code": "c", "kind": "council"}, columns=[*COLUMNS, "x"]))

    assert located(result) == [(1, "x"), (2, "name")]


def test_a_column_twice_or_a_value_under_no_column_is_refused(db):
    twice = csv_file({"code": "c", "kind": "council", "name": "C"}, columns=[*COLUMNS, "name"])
    beyond = ",".join(["d", "", "council", "D", *[""] * (len(COLUMNS) - 4), "beyond"])
    stray = csv_file({"code": "c", "kind": "council", "name": "C"}) + beyond.encode()

    assert located(import_directory(twice)) == [(1, "name")]
    assert located(import_directory(stray)) == [(3, "")]
    assert not Addressee.objects.exists()


def test_a_file_over_the_row_limit_is_refused(db, monkeypatch):
    monkeypatch.setattr(exchange, "MAX_ROWS", 2)
    rows = [{"code": f"a{n}", "kind": "unit", "name": f"A{n}"} for n in range(3)]

    with translation.override("en"):
        result = import_directory(csv_file(*rows))

    assert [(p.line, p.column, p.message) for p in result.problems] == [
        (0, "", "The file has more than 2 rows; import it in parts.")
    ]
    assert not Addressee.objects.exists()
    assert import_directory(csv_file(*rows[:2])).ok


# --- Export -------------------------------------------------------------------------------


def build_city():
    assert import_directory(csv_file(*CITY)).ok
    housing = Addressee.objects.get(slug="housing")
    services.addressee_upsert(
        slug="education",
        kind="department",
        name="Відділ освіти, молоді та спорту",
        parent=housing.parent,
        description='=1+1 is not a formula; "quotes", too',
        order=1,
        is_published=False,
    )
    services.schedule_set(
        addressee=Addressee.objects.get(slug="council"),
        week={
            0: DayHours(time(8), time(17), time(12), time(13)),
            2: DayHours(time(8), time(17), time(12), time(13)),
            5: DayHours(time(9), time(13)),
        },
    )
    services.addressee_upsert(slug="lonely", kind="other", name="Без розкладу")
    services.schedule_set(addressee=Addressee.objects.get(slug="lonely"), week={})


def wipe():
    Addressee.objects.update(parent=None)
    Addressee.objects.all().delete()
    Competency.objects.all().delete()


def add_would_be_formulas():
    services.addressee_upsert(
        slug="formula", kind="other", name="=SUM(1)", position="-12", person_name="@cmd"
    )


@pytest.mark.parametrize("export", [export_directory_csv, export_directory_xlsx])
def test_an_export_imports_back_into_an_empty_directory_as_it_was(groups, export):
    build_city()
    add_would_be_formulas()
    before = snapshot()
    data = export()
    wipe()

    result = import_directory(data)

    assert result.ok, result.problems
    assert (result.created, result.updated) == (6, 0)
    assert snapshot() == before


def test_would_be_formulas_are_exported_behind_a_quote(groups):
    build_city()
    add_would_be_formulas()
    text = export_directory_csv().decode("utf-8-sig")
    assert "'=SUM(1)" in text and "'-12" in text and "'@cmd" in text
    sheet = load_workbook(io.BytesIO(export_directory_xlsx())).worksheets[0]
    values = {cell for row in sheet.iter_rows(values_only=True) for cell in row}
    assert {"'=SUM(1)", "'-12", "'@cmd"} <= values
    assert not any(isinstance(v, str) and v.startswith(("=", "-", "@")) for v in values)


def test_the_csv_export_lists_parents_before_children(groups):
    build_city()

    data = export_directory_csv()

    assert data.startswith(b"\xef\xbb\xbf" + ",".join(COLUMNS).encode() + b"\r\n")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    # Siblings by order, then by name; each followed by its own branch.
    assert [row["code"] for row in rows] == [
        "lonely",
        "council",
        "housing",
        "head-of-housing",
        "education",
    ]
    lonely, council, housing, head, _education = rows
    assert council["schedule"] == (
        "mon 08:00-17:00 break 12:00-13:00; wed 08:00-17:00 break 12:00-13:00; sat 09:00-13:00"
    )
    assert housing["schedule"] == WEEK
    assert (housing["latitude"], housing["longitude"]) == ("49.0695", "33.4204")
    assert housing["groups"] == "vykonkom; cnap"
    assert head["phones"] == "'+380 67 123 4567; +380 44 222 3344"  # never a formula
    assert (head["published"], head["order"], head["parent_code"]) == ("no", "2", "housing")
    assert lonely["schedule"] == "closed"


def test_the_xlsx_export_is_a_readable_sheet(groups):
    build_city()

    sheet = load_workbook(io.BytesIO(export_directory_xlsx())).worksheets[0]

    assert [cell.value for cell in sheet[1]] == COLUMNS
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    widths = {c: sheet.column_dimensions[c].width for c in "ADS"}
    assert widths["D"] > widths["A"] > 10  # name wider than code, both wider than default
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "lonely",
        "council",
        "housing",
        "head-of-housing",
        "education",
    ]
    education = sheet[6]
    assert education[6].value.startswith("'=1+1") and education[6].data_type == "s"
    assert (sheet["N4"].value, sheet["P4"].value) == (49.0695, 0)  # numbers stay numbers


# --- Management commands ------------------------------------------------------------------


def test_the_import_command_reports_what_it_did(groups, tmp_path):
    path = tmp_path / "city.csv"
    path.write_bytes(csv_file(*CITY))
    out = io.StringIO()

    with translation.override("en"):
        call_command("directory_import", str(path), stdout=out)

    assert out.getvalue() == "Created: 3, updated: 0.\n"
    assert Addressee.objects.count() == 3


def test_the_import_command_lists_the_problems_and_fails(groups, tmp_path):
    path = tmp_path / "city.xlsx"  # the content decides, and this is CSV
    path.write_bytes(csv_file({**CITY[2], "kind": "ministry"}, {**CITY[1], "phones": "1"}))
    err = io.StringIO()

    with translation.override("en"), pytest.raises(CommandError) as failed:
        call_command("directory_import", str(path), stderr=err)

    assert failed.value.returncode == 1
    assert str(failed.value) == "Nothing was imported: the file has 2 problems."
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("line 2, kind: Unknown kind “ministry”")
    assert lines[1] == "line 3, phones: “1” is not a valid phone number."
    assert not Addressee.objects.exists()


def test_the_export_command_writes_what_the_name_says(groups, tmp_path):
    build_city()
    out = io.StringIO()

    with translation.override("en"):
        call_command("directory_export", str(tmp_path / "d.CSV"), stdout=out)
        call_command("directory_export", str(tmp_path / "d.xlsx"), stdout=out)
        with pytest.raises(CommandError, match=r"\.csv or \.xlsx"):
            call_command("directory_export", str(tmp_path / "d.txt"))

    assert out.getvalue().count("Exported 5 addressees to ") == 2
    assert (tmp_path / "d.CSV").read_bytes() == export_directory_csv()
    assert (tmp_path / "d.xlsx").read_bytes()[:4] == b"PK\x03\x04"
    assert not (tmp_path / "d.txt").exists()
    call_command("directory_import", str(tmp_path / "d.xlsx"), stdout=out)
    assert Addressee.objects.count() == 5


def test_a_workbook_padded_to_the_last_row_and_column_is_read_quickly(db):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["code", "kind", "name"])
    sheet.append(["rada", "council", "Рада"])
    # Declares a sheet of 16,384 columns and a million rows while holding three cells.
    sheet.cell(row=1_048_576, column=16_384, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_directory(buffer.getvalue())
    assert result.ok, result.problems
    assert Addressee.objects.get().slug == "rada"


def test_a_zip_that_unpacks_into_a_flood_is_refused(db, monkeypatch):
    from hromada.directory import exchange

    monkeypatch.setattr(exchange, "MAX_UNPACKED_BYTES", 1_000)
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["code", "kind", "name"])
    book.active.append(["rada", "council", "Рада " * 500])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_directory(buffer.getvalue())
    assert not result.ok and result.problems[0].line == 0
    assert not Addressee.objects.exists()


def test_an_import_deeper_than_twenty_levels_is_refused_whole(db):
    rows = [{"code": "l0", "kind": "council", "name": "Рівень 0"}]
    rows += [
        {"code": f"l{i}", "parent_code": f"l{i - 1}", "kind": "unit", "name": f"Рівень {i}"}
        for i in range(1, 21)
    ]
    result = import_directory(csv_file(*rows))
    assert [p.column for p in result.problems] == ["parent_code"]
    assert not Addressee.objects.exists()
