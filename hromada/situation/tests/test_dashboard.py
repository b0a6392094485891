"""The dashboard: who may see it, its figures from the pre-counted tables, and the lists
behind them holding exactly the appeals counted."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory
from hromada.appeals import services as appeals
from hromada.appeals.models import Kind
from hromada.appeals.tests.factories import staff_of, submit
from hromada.core.errors import PermissionDenied
from hromada.directory.tests.factories import AddresseeFactory
from hromada.situation.dashboard import dashboard_for, recurring_problems_refresh
from hromada.situation.models import Status
from hromada.situation.tests.factories import CategoryFactory, report, signed_in

pytestmark = pytest.mark.django_db


def figures(board, label):
    for name, _start, row in board.periods:
        if name == label:
            return [f.value for f in row]
    raise AssertionError(label)


PEOPLE = {
    "anonymous": lambda: None,
    "another resident": lambda: UserFactory(),
    "staff without the right": lambda: staff_of(AddresseeFactory()),
    "operator": lambda: UserFactory(roles=[Role.OPERATOR]),
}


@pytest.mark.parametrize("who", PEOPLE)
def test_the_dashboard_for_four_people(centre, who):
    user = PEOPLE[who]()
    if who != "operator":
        from django.contrib.auth.models import AnonymousUser

        with pytest.raises(PermissionDenied):
            dashboard_for(user=user or AnonymousUser())
        if user is not None and who != "staff without the right":
            client = Client()
            client.force_login(user)
            assert client.get("/office/situation/").status_code == 403
        return
    assert dashboard_for(user=user).periods
    page = signed_in(user).get("/en/office/situation/")
    assert page.status_code == 200


def test_heads_of_addressees_see_it_too(centre):
    addressee = AddresseeFactory()
    assert dashboard_for(user=staff_of(addressee, responsible=True)).periods


def test_figures_count_by_period_status_district_and_category(centre):
    operator = UserFactory(roles=[Role.OPERATOR])
    roads = CategoryFactory(name="Дороги")
    now = timezone.localtime()
    with time_machine.travel(now - timedelta(days=40)):
        report(category=roads)
    done = report(category=roads)
    executor = staff_of(done.addressee, responsible=True)
    appeals.appeal_answer(appeal_id=done.pk, actor=executor, text="Зроблено.")
    report(category=roads, is_public=False)
    submit(kind=Kind.APPLICATION)
    board = dashboard_for(user=operator)
    assert figures(board, "Today") == [3, 2, 1, 0]
    assert figures(board, "This month")[0] >= 3
    district_row = next(r for r in board.by_district if r.label == centre.name)
    assert [f.value for f in district_row.figures] == [2, 1, 1, 0]
    category_row = next(r for r in board.by_category if r.label == "Дороги")
    assert [f.value for f in category_row.figures] == [2, 1, 1, 0]
    assert sum(m["received"] for m in board.trend) == 4
    assert sum(cell["count"] for cell in board.heat) == 3
    only_reports = dashboard_for(user=operator, kind=Kind.PROBLEM_REPORT)
    assert figures(only_reports, "Today") == [2, 1, 1, 0]


def test_every_figure_links_to_the_list_of_what_it_counts(centre):
    operator = UserFactory(roles=[Role.OPERATOR])
    report(subject="Відкрита яма")
    overdue = report(subject="Прострочена яма", is_public=False)
    report(subject="Стара яма")
    from hromada.appeals.tasks import watch_deadlines

    with time_machine.travel(overdue.due_at + timedelta(hours=1)):
        watch_deadlines.call()
        client = signed_in(operator)
        page = client.get("/en/office/situation/").content.decode()
        links = re.findall(r'href="(/en/map/reports/\?[^"]+)">(\d+)</a>', page)
        assert links
        for href, value in links:
            listed = client.get(href.replace("&amp;", "&")).content.decode()
            found = re.search(r"(\d+) reports? found", listed)
            assert found and found.group(1) == value, (href, value)
    board = dashboard_for(user=operator)
    assert sum(row.figures[3].value for row in board.by_district) == 3
    assert Status.OVERDUE


def test_recurring_problems_are_the_same_place_and_category_over_months(centre):
    operator = UserFactory(roles=[Role.OPERATOR])
    lamps = CategoryFactory(name="Освітлення")
    now = timezone.now()
    for months_ago in (1, 2, 4):
        with time_machine.travel(now - timedelta(days=31 * months_ago)):
            report(category=lamps, latitude=50.0, longitude=30.0)
    # Same place, another category; and the same category far away: not recurring.
    report(category=CategoryFactory(), latitude=50.0, longitude=30.0)
    report(category=lamps, latitude=50.09, longitude=30.09)
    assert recurring_problems_refresh() == 1
    board = dashboard_for(user=operator)
    assert [(p["category"], p["months"], p["count"]) for p in board.recurring] == [
        ("Освітлення", 3, 3)
    ]
    listed = signed_in(operator).get(f"/en/map/reports/?{board.recurring[0]['query']}")
    assert "3 reports found" in listed.content.decode()


def test_the_dashboard_reads_a_fixed_number_of_queries(centre, django_assert_max_num_queries):
    operator = UserFactory(roles=[Role.OPERATOR])
    report()
    dashboard_for(user=operator)
    for _ in range(5):
        report(category=CategoryFactory())
    with django_assert_max_num_queries(9):
        dashboard_for(user=operator)
