"""The demo appeals: every kind and state, rows as the services would have written them, and a
second load that changes nothing."""

import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from io import StringIO

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hromada.accounts import demo as accounts_demo
from hromada.accounts.models import User
from hromada.accounts.selectors import profile_missing_fields
from hromada.appeals import demo
from hromada.appeals.models import (
    FINAL_STATES,
    OPEN_STATES,
    Answer,
    Appeal,
    CallBack,
    Category,
    Event,
    Journal,
    JournalCounter,
    Kind,
    Rating,
    RoutingRule,
    Signer,
    State,
)
from hromada.appeals.selectors import appeals_of_author, appeals_visible_to, queue
from hromada.appeals.services import _search_text
from hromada.core import demo as core_demo
from hromada.core.deadlines import KYIV, deadline_for
from hromada.core.models import AuditEvent
from hromada.core.selectors import district_for_point
from hromada.directory import demo as directory_demo
from hromada.directory.models import Membership
from hromada.messaging.models import Delivery, Message

pytestmark = pytest.mark.django_db

COUNT = 200
# A Sunday of the switch to summer time, and the turn of a year: the calendar's hard days.
DAYS = [
    datetime(2026, 3, 29, 11, 20, tzinfo=KYIV),
    datetime(2026, 1, 2, 9, 5, tzinfo=KYIV),
]


def load_city(count=COUNT, residents=40) -> str:
    core_demo.load(stdout=StringIO())
    accounts_demo.load(stdout=StringIO())
    directory_demo.load(stdout=StringIO())
    out = StringIO()
    demo.load(stdout=out, count=count, residents=residents)
    return out.getvalue()


@pytest.fixture(params=DAYS, ids=["dst-sunday", "new-year"])
def city(request):
    with time_machine.travel(request.param, tick=False):
        output = load_city()
        yield output


def rows() -> dict[str, int]:
    counted = [Appeal, Event, Answer, Rating, CallBack, Signer, Category, RoutingRule]
    figures = {model._meta.label: model.objects.count() for model in counted}
    figures.update(
        users=User.objects.count(),
        memberships=Membership.objects.count(),
        audit=AuditEvent.objects.count(),
        journal=sorted(JournalCounter.objects.values_list("journal", "year", "value")),
    )
    return figures


def test_every_kind_and_every_state_is_there(city):
    appeals = Appeal.objects.all()
    assert appeals.count() == COUNT
    kinds = Counter(appeals.values_list("kind", flat=True))
    states = Counter(appeals.values_list("state", flat=True))
    assert set(kinds) == set(Kind.values), kinds
    assert set(states) == set(State.values), states
    assert all(kinds[k] >= 2 for k in Kind.values) and all(states[s] >= 2 for s in State.values)
    assert f"Appeals: {COUNT} over the last 365 days" in city
    # Some wait past their deadline, some were extended, some answered late.
    now = timezone.now()
    assert appeals.filter(state__in=OPEN_STATES, due_at__lt=now, is_overdue=True).exists()
    assert appeals.filter(extended_at__isnull=False).exists()
    assert appeals.filter(answered_at__gt=F("due_at")).exists()
    # Everything an appeal can carry is in the data somewhere.
    assert Rating.objects.exists() and CallBack.objects.exists()
    assert Signer.objects.filter(confirmed_at__isnull=False).exists()
    assert appeals.filter(is_collective=True).exists()
    assert appeals.filter(is_anonymous=True).exists()
    assert appeals.filter(
        channel="phone", registered_by__isnull=False, author__isnull=True
    ).exists()
    assert appeals.filter(repeated_of__isnull=False).exists()
    assert appeals.filter(duplicate_of__isnull=False).count() == states[State.DUPLICATE]
    assert Event.objects.filter(action=Event.Action.ROUTED, payload__correction=True).exists()
    assert Event.objects.filter(action=Event.Action.ESCALATED).exists()
    assert Event.objects.filter(action=Event.Action.REMINDED).exists()
    # The past is not mailed again, and no job was enqueued for it.
    assert not Delivery.objects.exists() and not Message.objects.exists()
    first = appeals.order_by("received_at").first().received_at
    assert timedelta(days=300) < now - first <= timedelta(days=366)


def test_a_second_load_changes_nothing(city):
    before = rows()
    snapshot = list(Appeal.objects.order_by("pk").values())
    out = StringIO()
    demo.load(stdout=out, count=COUNT, residents=40)
    assert rows() == before
    assert list(Appeal.objects.order_by("pk").values()) == snapshot
    assert "already loaded" in out.getvalue()


TRANSITIONS = {
    # action: (the states it may start from, the state it leads to), as services.py allows
    "registered": ({State.SUBMITTED}, State.REGISTERED),
    "assigned": (
        {State.REGISTERED, State.ASSIGNED, State.IN_PROGRESS, State.REOPENED},
        State.ASSIGNED,
    ),
    "started": ({State.ASSIGNED, State.REOPENED}, State.IN_PROGRESS),
    "answered": (
        {State.REGISTERED, State.ASSIGNED, State.IN_PROGRESS, State.REOPENED},
        State.ANSWERED,
    ),
    "closed": ({State.ANSWERED}, State.CLOSED),
    "returned": ({State.SUBMITTED, State.REGISTERED, State.ASSIGNED}, State.RETURNED),
    "forwarded": ({State.SUBMITTED, State.REGISTERED, State.ASSIGNED}, State.FORWARDED),
    "not_considered": (
        {State.SUBMITTED, State.REGISTERED, State.ASSIGNED, State.IN_PROGRESS},
        State.NOT_CONSIDERED,
    ),
    "duplicate": ({State.SUBMITTED, State.REGISTERED, State.ASSIGNED}, State.DUPLICATE),
    "reopened": ({State.ANSWERED, State.CLOSED}, State.REOPENED),
    # A routing correction (appeal_route); the routing at receipt and registration has no
    # from-state.
    "routed": (
        {State.REGISTERED, State.ASSIGNED, State.IN_PROGRESS, State.REOPENED},
        State.REGISTERED,
    ),
}


def replay(appeal: Appeal, events: list[Event]) -> None:
    """Walk the events as the timeline shows them and check that they tell the appeal's story."""
    assert events[0].action == Event.Action.SUBMITTED, appeal.number

    def is_transition(event: Event) -> bool:
        return event.action in TRANSITIONS and not (
            event.action == Event.Action.ROUTED and not event.from_state
        )

    state = State.SUBMITTED
    for index, event in enumerate(events[1:], 1):
        if is_transition(event):
            allowed, target = TRANSITIONS[event.action]
            assert event.from_state == state, (appeal.number, event.action, state)
            assert state in allowed and event.to_state == target, (appeal.number, event.action)
            state = target
        elif event.action != Event.Action.ROUTED:
            # A registration's own notes are written with the state it leads to.
            following = next((e for e in events[index:] if is_transition(e)), None)
            registering = following is not None and following.action == "registered"
            assert event.to_state == state or (
                registering and near(event.created_at, following.created_at)
            ), (appeal.number, event.action, state)
            assert event.from_state in ("", state, event.to_state), (appeal.number, event.action)
    assert state == appeal.state, appeal.number


def near(a: datetime | None, b: datetime | None) -> bool:
    """The row's time and its event's: one action, written a moment apart as by a service."""
    if a is None or b is None:
        return a is b
    return abs(a - b) < timedelta(seconds=1)


def last(events, *actions):
    found = [e for e in events if e.action in actions]
    return found[-1] if found else None


@pytest.mark.parametrize("day", DAYS, ids=["dst-sunday", "new-year"])
def test_every_appeal_is_written_as_the_services_would_have_written_it(day):
    with time_machine.travel(day, tick=False):
        load_city()
        now = timezone.now()
    events_of = defaultdict(list)
    for event in Event.objects.order_by("created_at", "pk"):
        events_of[event.appeal_id].append(event)
    answers = defaultdict(list)
    for answer in Answer.objects.order_by("created_at", "pk"):
        answers[answer.appeal_id].append(answer)
    ratings = Counter(Rating.objects.values_list("appeal_id", flat=True))
    call_backs = Counter(CallBack.objects.values_list("appeal_id", flat=True))
    confirmed = Counter(
        Signer.objects.filter(confirmed_at__isnull=False).values_list("appeal_id", flat=True)
    )
    members = set(Membership.objects.values_list("addressee_id", "user_id"))
    numbers = defaultdict(list)

    for appeal in Appeal.objects.select_related("routing_rule", "duplicate_of", "repeated_of"):
        events = events_of[appeal.pk]
        replay(appeal, events)
        times = [e.created_at for e in events]
        assert times == sorted(times) and times[0] == appeal.received_at, appeal.number
        assert times[-1] <= now and appeal.updated_at == times[-1], appeal.number
        # Every deadline comes from the law's calendar, or from the last extension or reopening.
        changed = last(events, Event.Action.EXTENDED, Event.Action.REOPENED)
        expected = (
            parse_datetime(changed.payload["due"])
            if changed
            else deadline_for(
                appeal.kind, appeal.received_at, simple=appeal.is_simple, urgent=appeal.is_urgent
            ).due_at
        )
        assert appeal.due_at == expected, appeal.number
        # A reopened appeal counts its term anew, from the reopening.
        reopened = last(events, Event.Action.REOPENED)
        assert near(appeal.term_started_at, reopened.created_at if reopened else None)
        assert (appeal.extended_at is not None) == (
            changed is not None and changed.action == Event.Action.EXTENDED
        ), appeal.number
        # The deadline job has marked what is overdue now (it runs every hour).
        if appeal.state in OPEN_STATES:
            marked = last(
                events, Event.Action.OVERDUE, Event.Action.EXTENDED, Event.Action.REOPENED
            )
            assert appeal.is_overdue == (marked is not None and marked.action == "overdue")
            if appeal.due_at < now - timedelta(hours=1):
                assert appeal.is_overdue, appeal.number
            if appeal.due_at > now:
                assert not appeal.is_overdue, appeal.number
        # The dates on the row are the dates of its events.
        registered = last(events, Event.Action.REGISTERED)
        assert near(appeal.registered_at, registered.created_at if registered else None)
        answered = [e for e in events if e.action == Event.Action.ANSWERED]
        assert all(
            near(a.created_at, e.created_at)
            for a, e in zip(answers[appeal.pk], answered, strict=True)
        ), appeal.number
        assert [a.author_id for a in answers[appeal.pk]] == [e.actor_id for e in answered]
        assert near(appeal.answered_at, answered[-1].created_at if answered else None)
        final = last(events, *FINAL_STATES)
        if appeal.state in FINAL_STATES:
            assert near(appeal.closed_at, final.created_at), appeal.number
        else:
            assert appeal.closed_at is None, appeal.number
        assert ratings[appeal.pk] == sum(e.action == "rated" for e in events)
        assert call_backs[appeal.pk] == sum(e.action == "called_back" for e in events)
        assert confirmed[appeal.pk] == sum(e.action == "signed" for e in events)
        # Who did it was allowed to.
        if appeal.executor_id and appeal.addressee_id:
            assert (appeal.addressee_id, appeal.executor_id) in members, appeal.number
        assigned = last(events, Event.Action.ASSIGNED)
        if assigned and not any(e.action == "routed" and e.from_state for e in events):
            assert appeal.executor_id == assigned.payload["executor"], appeal.number
        for event in events:
            if event.action in (Event.Action.RATED, Event.Action.SIGNED):
                assert event.actor_id is not None, appeal.number
            if event.action == Event.Action.RATED:
                assert event.actor_id == appeal.author_id, appeal.number
        # The journal, the search index, the map, the routing.
        year = appeal.received_at.astimezone(KYIV).year
        if appeal.kind == Kind.CORRUPTION_REPORT:
            assert re.fullmatch(rf"КП-{year}-\d{{6}}", appeal.number), appeal.number
            numbers[Journal.CORRUPTION_REPORTS, year].append(appeal.number)
        else:
            assert re.fullmatch(rf"[А-ЯІЇЄҐ]-{year}-\d{{6}}", appeal.number), appeal.number
            assert appeal.number[0] == (appeal.author_last_name[:1] or "А").upper()
            numbers[Journal.APPEALS, year].append(appeal.number)
        assert appeal.search_text == _search_text(appeal)
        if appeal.kind == Kind.PROBLEM_REPORT:
            assert appeal.latitude is not None and appeal.category_id is not None
        if appeal.latitude is not None:
            found = district_for_point(lat=appeal.latitude, lon=appeal.longitude)
            assert found is not None and found.pk == appeal.district_id
        routed = events[1].payload
        assert events[1].action == "routed"
        if routed["rule"]:
            assert appeal.routing_rule.category_id == appeal.category_id
            assert appeal.routing_rule.district_id in (None, appeal.district_id)
        if appeal.duplicate_of:
            assert appeal.duplicate_of.received_at < appeal.received_at
            assert appeal.duplicate_of.state != State.DUPLICATE
        if appeal.repeated_of:
            assert appeal.repeated_of.received_at < appeal.received_at
            assert any(e.action == "repeated" for e in events)
        if appeal.state == State.NOT_CONSIDERED:
            assert last(events, "not_considered").payload["reason"] in (
                "repeated",
                "late_complaint",
                "incapacitated",
            )
        if appeal.is_anonymous:
            assert appeal.kind == Kind.CORRUPTION_REPORT and appeal.author_id is None
    # Each journal gapless: the appeals' numbers say nothing of the corruption reports.
    for (journal, year), taken in numbers.items():
        sequence = sorted(int(n.rsplit("-", 1)[1]) for n in taken)
        assert sequence == list(range(1, len(taken) + 1))
        assert JournalCounter.objects.get(journal=journal, year=year).value == len(taken)


def test_the_back_office_and_the_cabinet_have_work_in_them(city):
    operator = User.objects.get(email="operator@novoiarsk.example")
    executor = User.objects.get(email="executor@novoiarsk.example")
    citizen = User.objects.get(email="citizen@novoiarsk.example")
    officer = User.objects.get(email="anticorruption@novoiarsk.example")
    assert queue(operator, "triage").exists()
    assert (
        queue(operator, "all").count()
        == Appeal.objects.exclude(kind=Kind.CORRUPTION_REPORT).count()
    )
    assert queue(executor, "addressee").exists()
    assert appeals_visible_to(officer).filter(kind=Kind.CORRUPTION_REPORT).exists()
    assert not appeals_visible_to(operator).filter(kind=Kind.CORRUPTION_REPORT).exists()
    mine = appeals_of_author(citizen)
    assert {State.ANSWERED, State.IN_PROGRESS, State.CLOSED} <= set(
        mine.values_list("state", flat=True)
    )
    # The citizen has an answer still to rate, and an appeal still to co-sign.
    assert mine.filter(state=State.ANSWERED, ratings__isnull=True).exists()
    assert Signer.objects.filter(
        user=citizen, confirmed_at__isnull=True, appeal__state__in=OPEN_STATES
    ).exists()
    # Every addressee that has appeals to handle has someone responsible for them.
    busy = Appeal.objects.filter(state__in=OPEN_STATES, addressee__isnull=False)
    for addressee_id in set(busy.values_list("addressee_id", flat=True)):
        assert Membership.objects.filter(addressee_id=addressee_id).exists(), addressee_id


def test_demo_residents_sign_in_with_the_documented_password(city):
    resident = User.objects.get(email="resident001@novoiarsk.example")
    assert resident.check_password(accounts_demo.DEMO_PASSWORD)
    assert profile_missing_fields(resident) == []
    assert not resident.is_staff
    assert EmailAddress.objects.filter(user=resident, verified=True, primary=True).exists()
    assert User.objects.filter(email__startswith="resident").count() == 40
    staff = User.objects.get(email="savenko.v@novoiarsk.example")
    assert staff.is_staff and staff.check_password(accounts_demo.DEMO_PASSWORD)
    assert Membership.objects.get(
        user=staff, addressee__slug="zhkh-viddil-blahoustroiu"
    ).is_responsible
    assert "resident001@novoiarsk.example" in city


def test_without_the_districts_and_the_directory_it_loads_nothing():
    out = StringIO()
    demo.load(stdout=out, count=50)
    assert "load the districts and the directory first" in out.getvalue()
    assert not Appeal.objects.exists() and not Category.objects.exists()


def test_the_demo_data_command_runs_it_after_the_directory(settings):
    settings.DEBUG = True
    settings.DEMO_LOADERS = [
        "hromada.core.demo.load",
        "hromada.accounts.demo.load",
        "hromada.directory.demo.load",
        "hromada.appeals.tests.test_demo.load_small",
    ]
    out = StringIO()
    call_command("demo_data", stdout=out)
    assert Appeal.objects.count() == 60
    assert "Appeals: 60 over the last 365 days" in out.getvalue()


def load_small(*, stdout) -> None:
    demo.load(stdout=stdout, count=60, residents=20)
