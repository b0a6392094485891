from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from hromada.accounts import demo as accounts_demo
from hromada.core import demo as core_demo
from hromada.core.selectors import point_in_community
from hromada.directory import demo
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
from hromada.directory.schedules import validate_hours
from hromada.directory.services import clean_emails, clean_phones

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    core_demo.load(stdout=StringIO())
    accounts_demo.load(stdout=StringIO())
    out = StringIO()
    demo.load(stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [
        Addressee,
        AddresseeGroup,
        Competency,
        Schedule,
        ScheduleDay,
        ScheduleException,
        Absence,
        Membership,
        Addressee.groups.through,
        Addressee.competencies.through,
    ]
    return {model._meta.label: model.objects.count() for model in models}


def depth(addressee: Addressee, parents: dict) -> int:
    level, node = 1, parents[addressee.pk]
    while node is not None:
        level, node = level + 1, parents[node]
    return level


def test_a_second_run_creates_nothing_new(loaded):
    before = counts()
    snapshot = list(Addressee.objects.order_by("slug").values())
    demo.load(stdout=StringIO())
    assert counts() == before
    after = list(Addressee.objects.order_by("slug").values())
    ignore = {"updated_at"}
    assert [{k: v for k, v in a.items() if k not in ignore} for a in after] == [
        {k: v for k, v in a.items() if k not in ignore} for a in snapshot
    ]
    assert "Directory: " in loaded and "addressees in 5 groups" in loaded


def test_a_realistic_tree_of_the_council(loaded):
    addressees = list(Addressee.objects.all())
    assert len(addressees) >= 40
    parents = {a.pk: a.parent_id for a in addressees}
    assert max(depth(a, parents) for a in addressees) >= 3
    kinds = {a.kind for a in addressees}
    assert set(Addressee.Kind.values) - {"other"} <= kinds
    council = Addressee.objects.get(slug="miska-rada")
    assert council.name == "Новоярська міська рада"
    assert council.office_address.startswith("вул. Соборна, 1")
    for addressee in addressees:
        assert addressee.description and addressee.phones and addressee.emails, addressee
        assert addressee.competencies.exists(), addressee
        assert addressee.office_address and addressee.latitude is not None, addressee
        assert all(e.endswith("@novoiarsk.example") for e in addressee.emails)
        if addressee.kind in {"council", "department", "service_centre", "communal_enterprise"}:
            assert addressee.website.startswith("https://novoiarsk.example/"), addressee
        if addressee.kind in {"official", "head", "deputy_head", "council_deputy"}:
            assert addressee.person_name and addressee.position, addressee
    # Siblings have distinct places in their order.
    orders = [(a.parent_id, a.order) for a in addressees]
    assert len(orders) == len(set(orders))
    found = Addressee.objects.filter(competencies__name="Вивіз сміття")
    assert found.filter(slug="kp-novoiarskblahoustrii").exists()


def test_every_group_has_members_and_some_addressees_are_in_several(loaded):
    groups = AddresseeGroup.objects.all()
    assert {g.slug for g in groups} == {
        "executive-committee",
        "cnap",
        "communal-enterprises",
        "deputies",
        "leadership",
    }
    for group in groups:
        assert group.addressees.exists(), group
    leadership = set(
        AddresseeGroup.objects.get(slug="leadership").addressees.values_list("kind", flat=True)
    )
    assert {"head", "deputy_head"} <= leadership
    assert any(a.groups.count() > 1 for a in Addressee.objects.all())


def test_an_official_is_on_vacation_today_with_a_substitute(loaded):
    today = timezone.localdate()
    away = Absence.objects.filter(starts_on__lte=today, ends_on__gte=today)
    assert away.filter(kind="vacation", substitute__isnull=False).exists()
    for absence in away:
        assert absence.substitute != absence.addressee
        assert absence.addressee.kind == "official"


def test_every_office_lies_inside_the_community(loaded):
    for addressee in Addressee.objects.all():
        assert point_in_community(lat=addressee.latitude, lon=addressee.longitude), addressee


def test_every_phone_and_email_passes_the_services_checks(loaded):
    for addressee in Addressee.objects.all():
        assert clean_phones(addressee.phones) == addressee.phones
        assert clean_emails(addressee.emails) == addressee.emails
        assert all(p.startswith("+380") for p in addressee.phones)


def test_schedules_are_sound(loaded):
    today = timezone.localdate()
    for row in [*ScheduleDay.objects.all(), *ScheduleException.objects.all()]:
        validate_hours(
            opens=row.opens,
            closes=row.closes,
            break_starts=row.break_starts,
            break_ends=row.break_ends,
        )
    primary = Schedule.objects.filter(is_primary=True)
    assert primary.count() > 40
    assert all(s.days.exists() for s in Schedule.objects.all())
    # Deputies receive voters; they keep no office hours.
    for deputy in Addressee.objects.filter(kind="council_deputy"):
        assert list(deputy.schedules.values_list("name", "is_primary")) == [
            ("Прийом громадян", False)
        ]
    dispatch = Schedule.objects.filter(name="Аварійно-диспетчерська служба", is_primary=False)
    assert dispatch.filter(addressee__slug="kp-teplomerezha").exists()
    assert ScheduleDay.objects.filter(schedule__in=dispatch, weekday=6).exists()
    cnap = Schedule.objects.get(addressee__slug="cnap", is_primary=True)
    assert cnap.days.filter(weekday=5).exists()
    assert not cnap.days.exclude(break_starts=None).exists()
    soon = ScheduleException.objects.filter(date__gte=today, date__lte=today + timedelta(60))
    assert soon.filter(schedule__addressee__slug="cnap").exists()


def test_demo_staff_work_for_their_addressees(loaded):
    links = set(
        Membership.objects.filter(is_responsible=True).values_list("user__email", "addressee__slug")
    )
    assert {
        ("executor@novoiarsk.example", "zhytlovyi-holovnyi-spetsialist"),
        ("operator@novoiarsk.example", "viddil-zvernen"),
        ("moderator@novoiarsk.example", "cnap"),
    } <= links


def test_without_the_demo_accounts_it_loads_and_says_so():
    out = StringIO()
    demo.load(stdout=out)
    assert not Membership.objects.exists()
    assert "executor@novoiarsk.example" in out.getvalue()
    assert Addressee.objects.count() >= 40


def test_the_sanitary_day_is_the_next_last_friday():
    assert demo.sanitary_day(date(2026, 5, 1)) == date(2026, 5, 29)
    assert demo.sanitary_day(date(2026, 5, 29)) == date(2026, 5, 29)
    assert demo.sanitary_day(date(2026, 5, 30)) == date(2026, 6, 26)
    assert demo.sanitary_day(date(2026, 12, 26)) == date(2027, 1, 29)


def test_the_demo_data_command_loads_the_directory_after_the_accounts(settings):
    settings.DEBUG = True
    settings.DEMO_LOADERS = [
        "hromada.core.demo.load",
        "hromada.accounts.demo.load",
        "hromada.directory.demo.load",
    ]
    out = StringIO()
    call_command("demo_data", stdout=out)
    assert f"Directory: {Addressee.objects.count()} addressees in 5 groups\n" in out.getvalue()
    assert Membership.objects.count() == 3
