"""The journal of appeals for a period, as CSV and as an Excel workbook."""

import csv
import io
from datetime import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory, log_in_with_totp
from hromada.appeals import exports, services
from hromada.appeals.models import Kind
from hromada.appeals.tests.factories import CategoryFactory, submit
from hromada.core.deadlines import KYIV
from hromada.directory.tests.factories import AddresseeFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "Number",
    "Received",
    "Kind",
    "Channel",
    "Author",
    "Subject",
    "Category",
    "District",
    "Addressee",
    "Executor",
    "State",
    "Due",
    "Answered",
    "Answered on time",
]
PERIOD = {"received_from": "2026-01-01", "received_to": "2026-03-31"}


def journal_url() -> str:
    with translation.override("en"):
        return reverse("appeals:office_journal")


def signed_in(user) -> Client:
    client = Client()
    if user.is_staff:
        log_in_with_totp(client, user)
    else:
        client.force_login(user)
    return client


def at(*moment) -> time_machine.travel:
    return time_machine.travel(datetime(*moment, tzinfo=KYIV))


@pytest.fixture
def year(addressee, head, executor):
    """Three appeals in the first quarter of 2026, two just outside it, and a report of
    possible corruption."""
    lights = CategoryFactory(name="Освітлення")
    with at(2026, 1, 5, 10, 0):
        late = submit(
            UserFactory(last_name="=Шевчук"),
            addressee=addressee,
            category=lights,
            subject='=HYPERLINK("http://evil.example","клік")',
        )
        services.appeal_assign(appeal_id=late.pk, actor=head, executor=executor)
    with at(2026, 3, 20, 12, 0):
        services.appeal_answer(appeal_id=late.pk, actor=executor, text="Із запізненням.")
    with at(2026, 2, 10, 9, 30):
        prompt = submit(addressee=addressee, kind=Kind.PROPOSAL, subject="Лавки у сквері")
        services.appeal_answer(appeal_id=prompt.pk, actor=head, text="Встановимо.")
    with at(2026, 3, 15, 16, 45):
        waiting = submit(addressee=addressee, subject="Яма на дорозі")
    with at(2025, 12, 31, 23, 30):
        before = submit(addressee=addressee)
    with at(2026, 4, 1, 0, 10):
        after = submit(addressee=addressee)
    with at(2026, 2, 1, 8, 0):
        report = services.appeal_submit(
            actor=None,
            kind=Kind.CORRUPTION_REPORT,
            subject="Хабар",
            text="Деталі",
            is_anonymous=True,
        )
    return {
        "late": late,
        "prompt": prompt,
        "waiting": waiting,
        "before": before,
        "after": after,
        "report": report,
    }


def csv_rows(response) -> list[list[str]]:
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # so that Excel reads Ukrainian letters
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_csv_journal_of_a_period(year, operator, addressee, executor):
    response = signed_in(operator).get(journal_url(), {**PERIOD, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="journal-2026-01-01-2026-03-31.csv"'
    )
    header, *rows = csv_rows(response)
    assert header == HEADER
    # In the order of receipt; the day boundaries are Kyiv's; no corruption report.
    # The number starts with the surname's first letter, never with its "=".
    assert year["late"].number.startswith("Ш-")
    assert [row[0] for row in rows] == [
        year["late"].number,
        year["prompt"].number,
        year["waiting"].number,
    ]
    late, prompt, waiting = rows
    assert late == [
        year["late"].number,
        "2026-01-05 10:00",
        "Application or request",
        "Website",
        "'=Шевчук Оксана Іванівна",
        '\'=HYPERLINK("http://evil.example","клік")',
        "Освітлення",
        "",
        addressee.name,
        executor.full_name,
        "Answered",
        "2026-02-05",
        "2026-03-20 12:00",
        "no",
    ]
    assert prompt[2] == "Proposal or remark" and prompt[-1] == "yes"
    assert waiting[1] == "2026-03-15 16:45"
    assert waiting[10] == "Registered" and waiting[12:] == ["", ""]


def test_the_xlsx_journal_has_the_same_rows_with_real_dates(year, operator):
    response = signed_in(operator).get(journal_url(), {**PERIOD, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="journal-2026-01-01-2026-03-31.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["Journal"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert [row[0] for row in rows[1:]] == [
        year["late"].number,
        year["prompt"].number,
        year["waiting"].number,
    ]
    late = rows[1]
    assert late[1] == datetime(2026, 1, 5, 10, 0)
    assert late[12] == datetime(2026, 3, 20, 12, 0)
    assert late[11] == datetime(2026, 2, 5)
    # Text, never a formula that Excel would run.
    cell = sheet.cell(row=2, column=6)
    assert cell.data_type == "s" and cell.value.startswith("'=HYPERLINK")
    assert late[13] == "no"


def test_corruption_reports_appear_only_for_the_designated_officers(year):
    operator = UserFactory(roles=[Role.OPERATOR])
    numbers = [r[0] for r in csv_rows(signed_in(operator).get(journal_url(), PERIOD))]
    assert year["report"].number not in numbers
    officer = UserFactory(roles=[Role.OPERATOR, Role.ANTICORRUPTION])
    rows = csv_rows(signed_in(officer).get(journal_url(), PERIOD))
    report = next(r for r in rows if r[0] == year["report"].number)
    assert report[4] == "anonymous"


def test_who_may_export(client, executor, operator):
    administrator = UserFactory(roles=[Role.ADMINISTRATOR])
    query = {**PERIOD, "format": "csv"}
    response = client.get(journal_url(), query)
    assert response.status_code == 302 and response["Location"].startswith("/en/accounts/login/")
    assert signed_in(UserFactory()).get(journal_url(), query).status_code == 403
    # Staff without the right: an executor works on appeals but keeps no journal.
    assert signed_in(executor).get(journal_url(), query).status_code == 403
    assert signed_in(operator).get(journal_url(), query).status_code == 200
    assert signed_in(administrator).get(journal_url(), query).status_code == 200


def test_the_form_comes_first_with_this_month(operator):
    with at(2026, 5, 17, 12, 0):
        response = signed_in(operator).get(journal_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="2026-05-01"' in html and 'value="2026-05-17"' in html
    assert 'type="radio" name="format" value="csv"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"received_from": "2025-01-01", "received_to": "2026-01-01"}, "one year at most"),
        ({"received_from": "2026-03-02", "received_to": "2026-03-01"}, "before its start"),
        ({"received_from": "2026-03-02", "received_to": ""}, "This field is required."),
        ({"received_from": "вчора", "received_to": "2026-03-01"}, "Enter a valid date."),
        ({**PERIOD, "format": "pdf"}, "Select a valid choice."),
    ],
)
def test_a_bad_period_is_told_beside_its_field(operator, query, message):
    response = signed_in(operator).get(journal_url(), {"format": "csv", **query})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not response.has_header("Content-Disposition")


def test_a_whole_year_is_allowed(operator):
    response = signed_in(operator).get(
        journal_url(), {"received_from": "2025-01-01", "received_to": "2025-12-31"}
    )
    assert response.status_code == 200
    assert csv_rows(response) == [HEADER]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_defused(start):
    assert exports.defuse(f"{start}1+1") == f"'{start}1+1"
    assert exports.defuse(f"a{start}") == f"a{start}"


def test_the_csv_is_streamed_row_by_row(operator):
    addressee = AddresseeFactory()
    with at(2026, 2, 3, 12, 0):
        for _ in range(3):
            submit(addressee=addressee)
    response = signed_in(operator).get(journal_url(), PERIOD)
    chunks = list(response.streaming_content)
    assert len(chunks) == 4  # the header, then one chunk per appeal
