"""The demo city's appeals: categories, routing rules, the staff who handle appeals, a pool of
residents, and a year of appeals of every kind in every state.

Safe to run again: categories, rules, staff and residents are created only when missing, and
the appeals only once (an audit event records that they were loaded). For speed the appeals
are bulk-created rather than put through the services, but row for row as the services would
have written them: journal numbers from JournalCounter, deadlines from hromada.core.deadlines,
the routing decision of hromada.appeals.routing, an event for every step (with the deadline
job's reminders, overdue marks and escalations), answers, ratings, call-backs and co-signers.
No notification is owed and no task enqueued: the e-mails of the past are not sent again.

Everything is drawn from one seeded random generator, so a load on the same day gives the same
city; the dates are relative to today, so the back office always has fresh work in it.
"""

import difflib
import random
import re
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hromada.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD
from hromada.accounts.models import User
from hromada.accounts.roles import Role
from hromada.accounts.services import user_set_roles
from hromada.appeals import routing
from hromada.appeals.demo_data import people, texts
from hromada.appeals.demo_data import staff as staff_data
from hromada.appeals.models import (
    OPEN_STATES,
    Answer,
    Appeal,
    CallBack,
    Category,
    Channel,
    Event,
    Journal,
    JournalCounter,
    Kind,
    Rating,
    RoutingRule,
    Signer,
    State,
)
from hromada.appeals.services import NOT_CONSIDERED_REASONS, _search_text
from hromada.core import deadlines
from hromada.core.audit import audit_event_record
from hromada.core.deadlines import KYIV
from hromada.core.errors import ValidationFailed
from hromada.core.models import AuditEvent, District
from hromada.core.selectors import district_for_point
from hromada.directory.models import Addressee, Membership
from hromada.directory.services import membership_set, normalize_search

SEED = 2026
APPEALS = 2000
RESIDENTS = 150
# Documented in the README: every resident signs in with the demo password.
RESIDENT_EMAIL = "resident{:03d}@" + DEMO_DOMAIN
CITIZEN_EMAIL = f"citizen@{DEMO_DOMAIN}"
LOADED = "appeals.demo_loaded"
HISTORY_DAYS = 365

S, K, C = State, Kind, Channel
# How the year's appeals ended up (relative weights); every state gets at least two.
FATES = {
    S.CLOSED: 56, S.ANSWERED: 7, S.IN_PROGRESS: 6, S.ASSIGNED: 4, S.REGISTERED: 4,
    S.SUBMITTED: 3, S.REOPENED: 2, S.RETURNED: 3, S.FORWARDED: 4, S.NOT_CONSIDERED: 3,
    S.DUPLICATE: 4,
}  # fmt: skip
KINDS = {
    K.PROBLEM_REPORT: 42, K.APPLICATION: 28, K.COMPLAINT: 10, K.PROPOSAL: 9,
    K.PUBLIC_INFORMATION: 8, K.CORRUPTION_REPORT: 3,
}  # fmt: skip
# Which fates each kind can have (a proposal is not a duplicate, a public information
# request is never waiting for triage in the direct processing mode, and so on).
COMPATIBLE = {
    K.CORRUPTION_REPORT: {S.SUBMITTED, S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS, S.ANSWERED,
                          S.CLOSED, S.FORWARDED},
    K.PUBLIC_INFORMATION: {S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS, S.ANSWERED, S.CLOSED,
                           S.FORWARDED, S.RETURNED},
    K.PROPOSAL: set(FATES) - {S.DUPLICATE, S.FORWARDED},
    K.COMPLAINT: set(FATES) - {S.DUPLICATE},
    K.APPLICATION: set(FATES),
    K.PROBLEM_REPORT: set(FATES) - {S.RETURNED},
}  # fmt: skip
CHANNELS = {
    K.PROBLEM_REPORT: {C.WEB: 62, C.API: 33, C.PHONE: 5},
    K.APPLICATION: {C.WEB: 45, C.API: 5, C.PHONE: 20, C.POST: 12, C.IN_PERSON: 10, C.EMAIL: 8},
    K.COMPLAINT: {C.WEB: 50, C.API: 5, C.PHONE: 20, C.POST: 12, C.IN_PERSON: 5, C.EMAIL: 8},
    K.PROPOSAL: {C.WEB: 60, C.API: 5, C.POST: 10, C.IN_PERSON: 10, C.EMAIL: 15},
    K.PUBLIC_INFORMATION: {C.WEB: 60, C.EMAIL: 30, C.POST: 10},
    K.CORRUPTION_REPORT: {C.WEB: 85, C.PHONE: 15},
}
ONLINE = (C.WEB, C.API)
# When residents write online, by the hour of the day (Kyiv): evenings and late mornings.
ONLINE_HOURS = [1, 1, 1, 1, 1, 2, 4, 7, 10, 12, 12, 11, 10, 10, 10, 10, 10, 11, 12, 13, 12, 9, 6, 3]
# Where residents live (and so what they write about): district slug -> weight.
DISTRICT_WEIGHTS = {
    "tsentralnyi": 25, "pivnichnyi": 22, "zavodskyi": 18, "livoberezhnyi": 15,
    "pivdennyi": 15, "verbivskyi": 5,
}  # fmt: skip
# The demo citizen's own cabinet: the fates of the appeals he filed.
CITIZEN_FATES = [S.ANSWERED, S.IN_PROGRESS, S.REGISTERED, S.CLOSED, S.CLOSED, S.REOPENED]
# How long each kind may take, in days, for planning on-time and late answers: (the term
# safely inside, the term's full length). The real deadline always comes from deadlines.py.
TERMS = {"month": (26, 31), "simple": (13, 15), "public": (4.5, 8), "urgent": (1.2, 2),
         "corruption": (9, 15)}  # fmt: skip
WORK_STARTS, WORK_ENDS = time(8, 30), time(17, 30)


# --- Categories, rules, staff, residents ---------------------------------------------------------


def _categories(stdout) -> dict[str, Category]:
    categories = {}
    for order, (slug, data) in enumerate(texts.CATEGORIES.items(), 1):
        categories[slug], _created = Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name": data["name"],
                "description": data["description"],
                "for_problem_reports": True,
                "order": order,
            },
        )
    return categories


def _routing_rules(categories, districts, addressees) -> int:
    count = 0
    for slug, data in texts.CATEGORIES.items():
        for district_slug, addressee_slug in data["rules"].items():
            district = districts.get(district_slug) if district_slug else None
            if (district_slug and district is None) or addressee_slug not in addressees:
                continue
            RoutingRule.objects.get_or_create(
                category=categories[slug],
                district=district,
                is_active=True,
                defaults={"addressee": addressees[addressee_slug]},
            )
            count += 1
    return count


def _staff(stdout, addressees, password: str) -> None:
    for email, role, last, first, patronymic, phone, _links in staff_data.STAFF:
        if User.objects.filter(email=email).exists():
            continue
        user = User.objects.create(
            email=email,
            password=password,
            last_name=last,
            first_name=first,
            patronymic=patronymic,
            postal_address="вул. Соборна, 1, м. Новоярськ",
            phone=phone,
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        user_set_roles(user=user, roles=[role], actor=None)
        TOTP.activate(user, generate_totp_secret())
    links = [(email, entry[-1]) for email, *entry in staff_data.STAFF] + staff_data.EXISTING
    for email, memberships in links:
        user = User.objects.filter(email=email, is_staff=True).first()
        if user is None:
            stdout.write(f"  {email} is not a staff account: no appeals work for it.")
            continue
        for slug, responsible in memberships:
            addressee = addressees.get(slug)
            if (
                addressee is None
                or Membership.objects.filter(
                    addressee=addressee, user=user, is_responsible=responsible
                ).exists()
            ):
                continue
            membership_set(addressee=addressee, user=user, is_responsible=responsible)


@dataclass
class Person:
    """Who files an appeal: a resident with an account, or someone who phoned or wrote."""

    last_name: str
    first_name: str
    patronymic: str
    female: bool
    address: str
    district: str
    phone: str = ""
    email: str = ""
    user: User | None = None
    benefits: bool = False
    activity: float = 1.0


def _name(rng: random.Random) -> tuple[str, str, str, bool]:
    female = rng.random() < 0.56
    first = rng.choice(people.FEMALE_NAMES if female else people.MALE_NAMES)
    patronymic = rng.choice(people.PATRONYMICS)[1 if female else 0]
    if rng.random() < 0.12:
        last = rng.choice(people.GENDERED_SURNAMES)[1 if female else 0]
    else:
        last = rng.choice(people.SURNAMES)
    return last, first, patronymic, female


def _home(rng: random.Random) -> tuple[str, str]:
    district = _weighted(rng, DISTRICT_WEIGHTS)
    street, _loc, settlement = rng.choice(people.STREETS[district])
    house = rng.randint(1, 120)
    flat = (
        f", кв. {rng.randint(1, 160)}" if settlement == people.CITY and rng.random() < 0.7 else ""
    )
    return f"{street}, {house}{flat}, {settlement}", district


def _phone(rng: random.Random) -> str:
    return f"+380{rng.choice(people.MOBILE_PREFIXES)}{rng.randint(0, 9_999_999):07d}"


def _residents(count: int, password: str) -> list[Person]:
    """The pool of residents, the same every time; accounts are created once."""
    rng = random.Random(SEED + 1)  # noqa: S311 - reproducible demo data, not secrets
    pool = []
    for number in range(1, count + 1):
        last, first, patronymic, female = _name(rng)
        address, district = _home(rng)
        pool.append(
            Person(
                last,
                first,
                patronymic,
                female,
                address,
                district,
                phone=_phone(rng),
                email=RESIDENT_EMAIL.format(number),
                benefits=rng.random() < 0.1,
                activity=min(rng.paretovariate(1.4), 12.0),
            )
        )
    existing = set(
        User.objects.filter(email__in=[p.email for p in pool]).values_list("email", flat=True)
    )
    joined = timezone.now() - timedelta(days=HISTORY_DAYS + 30)
    new = [
        User(
            email=p.email,
            password=password,
            last_name=p.last_name,
            first_name=p.first_name,
            patronymic=p.patronymic,
            postal_address=p.address,
            phone=p.phone,
            date_joined=joined - timedelta(days=rng.randint(0, 900)),
        )
        for p in pool
        if p.email not in existing
    ]
    User.objects.bulk_create(new)
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in new
    )
    users = {u.email: u for u in User.objects.filter(email__in=[p.email for p in pool])}
    for person in pool:
        person.user = users[person.email]
    citizen = User.objects.filter(email=CITIZEN_EMAIL).first()
    if citizen is not None and not citizen.is_staff:
        pool.append(
            Person(
                citizen.last_name,
                citizen.first_name,
                citizen.patronymic,
                female=False,
                address=citizen.postal_address,
                district="tsentralnyi",
                phone=str(citizen.phone or ""),
                email=citizen.email,
                user=citizen,
            )
        )
    return pool


def load(*, stdout, count: int = APPEALS, residents: int = RESIDENTS) -> None:
    """Load the demo appeals (``count`` of them over the last year) and what they need."""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        addressees = {a.slug: a for a in Addressee.objects.all()}
        districts = {d.slug: d for d in District.objects.all()}
        if not addressees or not districts:
            stdout.write("Appeals: load the districts and the directory first; nothing loaded.")
            return
        categories = _categories(stdout)
        rules = _routing_rules(categories, districts, addressees)
        password = make_password(DEMO_PASSWORD)
        _staff(stdout, addressees, password)
        pool = _residents(residents, password)
        stdout.write(
            f"Appeals: {len(categories)} categories, {rules} routing rules, "
            f"{residents} demo residents ({RESIDENT_EMAIL.format(1)} … "
            f"{RESIDENT_EMAIL.format(residents)}, password {DEMO_PASSWORD})"
        )
        if AuditEvent.objects.filter(action=LOADED).exists():
            stdout.write("Appeals: the demo appeals are already loaded")
            return
        city = _City(categories, districts, addressees, pool)
        loaded = city.generate(count)
        audit_event_record(actor=None, action=LOADED, appeals=len(loaded))
        by_state = Counter(life.appeal.state for life in loaded)
        stdout.write(
            f"Appeals: {len(loaded)} over the last {HISTORY_DAYS} days; "
            + ", ".join(f"{state} {by_state[state]}" for state in State.values)
        )


# --- Helpers ------------------------------------------------------------------------------------


def _weighted(rng: random.Random, weights: dict) -> Any:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


GENDERED = re.compile(r"\[\[([^|\]]*)\|([^\]]*)\]\]")


def _say(template: str, context: dict, *, female: bool) -> str:
    text = GENDERED.sub(lambda m: m[2] if female else m[1], template)
    return text.format_map(context)


def _working_time(moment: datetime, rng: random.Random) -> datetime:
    """The moment, or the start of the next working hours: staff act on working days."""
    local = moment.astimezone(KYIV)
    day = local.date()
    if deadlines.is_working_day(day) and WORK_STARTS <= local.time() < WORK_ENDS:
        return moment
    if not deadlines.is_working_day(day) or local.time() >= WORK_ENDS:
        day = deadlines.add_working_days(day, 1 if deadlines.is_working_day(day) else 0)
    start = datetime.combine(day, WORK_STARTS, tzinfo=KYIV)
    return start + timedelta(minutes=rng.randint(0, 150))


def _waking_time(moment: datetime, rng: random.Random) -> datetime:
    """Residents write between seven in the morning and eleven at night."""
    local = moment.astimezone(KYIV)
    if 7 <= local.hour < 23:
        return moment
    day = local.date() + (timedelta(days=1) if local.hour >= 23 else timedelta())
    return datetime.combine(day, time(7), tzinfo=KYIV) + timedelta(minutes=rng.randint(0, 180))


def _date_text(moment: datetime) -> str:
    local = moment.astimezone(KYIV)
    return f"{local.day} {people.MONTHS_GENITIVE[local.month - 1]} {local.year} року"


@contextmanager
def _historic_timestamps(*model_classes):
    """bulk_create stamps auto_now(_add) fields with the present; the demo keeps its past."""
    fields = [
        f
        for model in model_classes
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


# --- Plans: what happens to each appeal, and when ------------------------------------------------


@dataclass
class Spec:
    """The fate of one appeal, decided before it is written: its steps and their times."""

    kind: str
    fate: str
    channel: str = C.WEB
    triage: bool = False  # waits for the appeals department (no addressee, or registry mode)
    reroute: bool = False
    anonymous: bool = False
    urgent: bool = False
    simple: bool = False
    collective: bool = False
    citizen: bool = False
    late_complaint: bool = False
    dispute: bool = False
    steps: list[tuple[str, float, str]] = field(default_factory=list)
    received_at: datetime | None = None
    times: list[datetime] = field(default_factory=list)

    @property
    def online_author(self) -> bool:
        return self.channel in ONLINE and not self.anonymous


class _City:
    def __init__(self, categories, districts, addressees, pool) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - reproducible demo data
        self.now = timezone.now()
        self.today = self.now.astimezone(KYIV).date()
        self.direct_mode = settings.APPEAL_PROCESSING_MODE == "direct"
        self.categories = categories
        self.districts = districts
        self.addressees = addressees
        self.by_pk = {a.pk: a for a in addressees.values()}
        self.pool = [p for p in pool if p.email != CITIZEN_EMAIL]
        self.citizen = next((p for p in pool if p.email == CITIZEN_EMAIL), None)
        self.members: dict[int, list[User]] = defaultdict(list)
        self.responsible: dict[int, list[User]] = defaultdict(list)
        memberships = Membership.objects.filter(user__is_active=True).select_related("user")
        for membership in memberships.order_by("pk"):
            self.members[membership.addressee_id].append(membership.user)
            if membership.is_responsible:
                self.responsible[membership.addressee_id].append(membership.user)
        emails = [email for email, _weight in staff_data.OPERATORS]
        users = {u.email: u for u in User.objects.filter(email__in=emails, is_active=True)}
        self.operators = {users[e]: w for e, w in staff_data.OPERATORS if e in users}
        self.officer = User.objects.filter(
            email=staff_data.ANTICORRUPTION_OFFICER, is_active=True
        ).first()
        self.officers = list(
            User.objects.filter(groups__name=Role.ANTICORRUPTION, is_active=True)
            .values_list("email", flat=True)
            .distinct()
        )
        self.department = (
            [settings.APPEALS_DEPARTMENT_EMAIL] if settings.APPEALS_DEPARTMENT_EMAIL else []
        )
        self.decisions: dict[tuple, routing.Decision] = {}
        self.counters: dict[tuple[str, int], int] = {
            (journal, year): value
            for journal, year, value in JournalCounter.objects.values_list(
                "journal", "year", "value"
            )
        }
        self.lives: list[_Life] = []
        self.by_author: dict[str, list[_Life]] = defaultdict(list)
        self.citizen_signed: set[str] = set()

    # Pass one: fates, kinds, channels and the times of every step.

    def specs(self, count: int) -> list[Spec]:
        rng = self.rng
        total = sum(FATES.values())
        quota = {fate: max(2, round(weight * count / total)) for fate, weight in FATES.items()}
        quota[S.CLOSED] += count - sum(quota.values())
        fates = [fate for fate, n in quota.items() for _ in range(n)]
        rng.shuffle(fates)
        specs = []
        for fate in fates:
            kinds = {k: w for k, w in KINDS.items() if fate in COMPATIBLE[k]}
            specs.append(Spec(kind=_weighted(rng, kinds), fate=fate))
        # Every kind at least twice: take the place of the commonest kind where it fits.
        for kind in KINDS:
            for _missing in range(2 - sum(s.kind == kind for s in specs)):
                common = Counter(s.kind for s in specs).most_common(1)[0][0]
                spec = next(s for s in specs if s.kind == common and s.fate in COMPATIBLE[kind])
                spec.kind = kind
        if self.citizen is not None:
            for fate in CITIZEN_FATES:
                spec = next(
                    (
                        s
                        for s in specs
                        if s.fate == fate
                        and not s.citizen
                        and s.kind in (K.PROBLEM_REPORT, K.APPLICATION, K.COMPLAINT)
                    ),
                    None,
                )
                if spec is not None:
                    spec.citizen = True
            # Two collective appeals he co-signs: one still waiting for his signature.
            for fates in ((S.IN_PROGRESS, S.ASSIGNED, S.REGISTERED), (S.CLOSED,)):
                spec = next(
                    (
                        s
                        for s in specs
                        if s.fate in fates
                        and not s.citizen
                        and s.kind in (K.APPLICATION, K.COMPLAINT, K.PROPOSAL)
                    ),
                    None,
                )
                if spec is not None:
                    spec.collective = True
        for spec in specs:
            self.plan(spec)
        specs.sort(key=lambda s: s.received_at)
        return specs

    def plan(self, spec: Spec) -> None:
        rng = self.rng
        collective = spec.collective
        spec.channel = C.WEB if spec.citizen or collective else _weighted(rng, CHANNELS[spec.kind])
        if spec.fate == S.NOT_CONSIDERED and spec.kind != K.COMPLAINT:
            spec.channel = C.WEB  # a repeated appeal of a resident with an account
        if spec.kind == K.CORRUPTION_REPORT:
            spec.anonymous = spec.channel == C.WEB and rng.random() < 0.6
        spec.urgent = spec.kind == K.PUBLIC_INFORMATION and rng.random() < 0.08
        spec.late_complaint = spec.kind == K.COMPLAINT and spec.fate == S.NOT_CONSIDERED
        registry = not self.direct_mode and spec.channel in ONLINE
        if spec.kind == K.CORRUPTION_REPORT or spec.fate == S.SUBMITTED:
            spec.triage = True
        elif spec.kind == K.PUBLIC_INFORMATION or spec.fate == S.NOT_CONSIDERED:
            spec.triage = registry
        else:
            spec.triage = registry or rng.random() < 0.06
        spec.reroute = (
            not spec.triage
            and spec.kind in (K.PROBLEM_REPORT, K.APPLICATION, K.COMPLAINT)
            and spec.fate
            in (S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS, S.ANSWERED, S.CLOSED, S.REOPENED)
            and rng.random() < 0.07
        )
        spec.collective = collective or (
            spec.online_author
            and spec.kind in (K.APPLICATION, K.COMPLAINT, K.PROPOSAL)
            and rng.random() < 0.06
        )
        self._steps(spec)
        self._place_in_time(spec)

    def _steps(self, spec: Spec) -> None:
        rng, fate = self.rng, spec.fate
        steps = spec.steps
        offset = 0.0

        def step(name: str, low: float, high: float, who: str = "staff") -> None:
            nonlocal offset
            offset += rng.uniform(low, high)
            steps.append((name, offset, who))

        def at(name: str, when: float, who: str = "staff") -> None:
            nonlocal offset
            offset = max(offset + 0.01, when)
            steps.append((name, offset, who))

        if fate == S.SUBMITTED:
            return
        registers = spec.triage and not (
            fate in (S.RETURNED, S.FORWARDED, S.DUPLICATE) and rng.random() < 0.6
        )
        if registers:
            step("register", 0.05, 1.5)
            spec.simple = spec.kind in deadlines.APPEAL_KINDS and rng.random() < 0.15
        if spec.reroute:
            step("route", 0.1, 2)
        if fate == S.RETURNED:
            step("return", 0.1, 5)
            return
        if fate == S.FORWARDED:
            if not spec.triage and rng.random() < 0.1:
                step("assign", 0.05, 0.5)
            at("forward", rng.uniform(offset + 0.05, 2.0))
            return
        if fate == S.DUPLICATE:
            if (registers or not spec.triage) and rng.random() < 0.15:
                step("assign", 0.1, 1)
            step("duplicate", 0.1, 4)
            return
        if fate == S.REGISTERED:
            return
        online = spec.online_author
        can_extend = spec.kind != K.CORRUPTION_REPORT and not spec.urgent
        inside, full = self._term(spec)
        assigns = fate in (S.ASSIGNED, S.IN_PROGRESS) or rng.random() < 0.85
        if fate == S.NOT_CONSIDERED:
            assigns = rng.random() < 0.3
        if assigns:
            step("assign", 0.05, min(2.5, inside / 3))
            if fate == S.IN_PROGRESS or (fate != S.ASSIGNED and rng.random() < 0.7):
                step("start", 0, min(2, inside / 4))
        if fate == S.NOT_CONSIDERED:
            step("not_consider", 0.5, 12)
            return
        if fate == S.ASSIGNED:
            return
        if fate == S.IN_PROGRESS:
            if rng.random() < 0.3:
                step("note", 0.1, 2)
            if can_extend and rng.random() < 0.15:
                self._extension(spec, at, offset, inside)
            return
        extended = can_extend and rng.random() < 0.1
        if extended:
            self._extension(spec, at, offset, inside)
            answer = (
                rng.uniform(9, 24)
                if spec.kind == K.PUBLIC_INFORMATION
                else rng.uniform(full + 1, 42)
            )
        elif rng.random() < 0.12:
            answer = full + rng.uniform(0.5, 12)  # late: the deadline job marks it overdue
        else:
            answer = rng.uniform(max(offset + 0.1, min(2, inside / 3)), inside)
        at("answer", answer)
        answered = offset
        if fate == S.ANSWERED:
            if online and not spec.citizen and rng.random() < 0.35:
                step("rate", 0.05, 5, "citizen")
            if spec.kind != K.CORRUPTION_REPORT and rng.random() < 0.15:
                at("call_back", answered + rng.uniform(1, 5))
            return
        if fate == S.REOPENED:
            spec.dispute = online
            step("dispute" if online else "reopen", 1, 18, "citizen" if online else "staff")
            return
        spec.dispute = online and rng.random() < 0.08
        if spec.dispute:
            step("dispute", 1, 18, "citizen")
            step("start", 0.2, 3)
            step("answer", 3, 18)
            answered = offset
        elif online and rng.random() < 0.45:
            step("rate", 0.05, 6, "citizen")
        if spec.kind != K.CORRUPTION_REPORT and rng.random() < 0.12:
            at("call_back", answered + rng.uniform(1, 5))
        if online and rng.random() < 0.4:
            at("close_by_author", answered + rng.uniform(0.2, 7), "citizen")
        else:
            at(
                "auto_close",
                answered + settings.APPEAL_AUTO_CLOSE_DAYS + rng.uniform(0.01, 0.25),
                "system",
            )

    def _extension(self, spec: Spec, at, offset: float, inside: float) -> None:
        if spec.kind == K.PUBLIC_INFORMATION:
            at("extend", self.rng.uniform(offset + 0.05, max(offset + 0.1, 2.5)))
        else:
            at("extend", self.rng.uniform(max(offset + 0.1, inside * 0.5), inside * 0.9))

    @staticmethod
    def _term(spec: Spec) -> tuple[float, float]:
        if spec.kind == K.PUBLIC_INFORMATION:
            return TERMS["urgent" if spec.urgent else "public"]
        if spec.kind == K.CORRUPTION_REPORT:
            return TERMS["corruption"]
        return TERMS["simple" if spec.simple else "month"]

    def _place_in_time(self, spec: Spec) -> None:
        """When it was received: recent for the open ones, any time for the decided ones;
        then the aligned time of each step, all of them before now."""
        rng, fate = self.rng, spec.fate
        offsets = {name: offset for name, offset, _who in spec.steps}
        span = spec.steps[-1][1] if spec.steps else 0.0
        if fate == S.SUBMITTED:
            low, high = (0, 2.5) if rng.random() < 0.8 else (2.5, 10)
        elif fate == S.REGISTERED:
            low, high = (0, 10) if rng.random() < 0.85 else (33, 45)
        elif fate == S.ASSIGNED:
            low, high = (1, 22) if rng.random() < 0.8 else (33, 50)
        elif fate == S.IN_PROGRESS:
            low, high = (2, 30) if rng.random() < 0.75 else (32, 70)
        elif fate == S.ANSWERED:
            answered = max(o for n, o, _w in spec.steps if n == "answer")
            low, high = span + 0.5, answered + settings.APPEAL_AUTO_CLOSE_DAYS - 4
        elif fate == S.REOPENED:
            low, high = span + 0.5, offsets.get("dispute", offsets.get("reopen", span)) + 25
        else:
            # A few days to spare: a letter's receipt moves back to the last working day.
            low, high = span + 4, HISTORY_DAYS - 4
        age = max(rng.uniform(low, high), span + 0.3)
        for _attempt in range(60):
            spec.received_at = self._receipt_time(self.now - timedelta(days=age), spec)
            spec.times = self._step_times(spec)
            last = spec.times[-1] if spec.times else spec.received_at
            if last < self.now - timedelta(minutes=5):
                return
            age += 1
        raise RuntimeError(f"cannot place an appeal with these steps in the past: {spec}")

    def _receipt_time(self, moment: datetime, spec: Spec) -> datetime:
        rng = self.rng
        day = moment.astimezone(KYIV).date()
        if spec.channel in ONLINE:
            hour = rng.choices(range(24), weights=ONLINE_HOURS)[0]
        elif spec.channel == C.PHONE:
            hour = rng.randint(8, 19)
        else:
            while not deadlines.is_working_day(day):
                day -= timedelta(days=1)
            hour = rng.randint(8, 16)
        return datetime.combine(day, time(hour, rng.randint(0, 59), rng.randint(0, 59)), KYIV)

    def _step_times(self, spec: Spec) -> list[datetime]:
        # A separate generator: retrying a placement must not shift everything drawn later.
        rng = random.Random(f"{SEED}:{spec.received_at.isoformat()}:{spec.fate}")  # noqa: S311
        times, previous = [], spec.received_at
        for _name, offset, who in spec.steps:
            moment = max(
                spec.received_at + timedelta(days=offset),
                previous + timedelta(minutes=rng.randint(3, 40)),
            )
            if who == "staff":
                moment = _working_time(moment, rng)
            elif who == "citizen":
                moment = _waking_time(moment, rng)
            times.append(moment)
            previous = moment
        return times

    # Pass two: in the order of receipt, who wrote what, and its life.

    def generate(self, count: int) -> list["_Life"]:
        for spec in self.specs(count):
            life = _Life(self, spec)
            life.live()
            self.lives.append(life)
            if life.author_key:
                self.by_author[life.author_key].append(life)
        self._save()
        return self.lives

    def decision(self, category: Category | None, district: District | None) -> routing.Decision:
        key = (category.pk if category else None, district.pk if district else None)
        if key not in self.decisions:
            self.decisions[key] = routing.route(category=category, district=district)
        return self.decisions[key]

    def number(self, kind: str, last_name: str, received_at: datetime) -> str:
        """As the service's journal numbers: corruption reports in a journal of their own."""
        year = received_at.astimezone(KYIV).year
        journal = Journal.CORRUPTION_REPORTS if kind == K.CORRUPTION_REPORT else Journal.APPEALS
        value = self.counters[journal, year] = self.counters.get((journal, year), 0) + 1
        if journal == Journal.CORRUPTION_REPORTS:
            return settings.CORRUPTION_REPORT_NUMBER_FORMAT.format(year=year, number=value)
        initial = (last_name.strip()[:1] or settings.APPEAL_ANONYMOUS_INITIAL).upper()
        return settings.APPEAL_NUMBER_FORMAT.format(initial=initial, year=year, number=value)

    def point(self, district: District) -> tuple[float, float]:
        for _attempt in range(200):
            lat = round(self.rng.uniform(district.min_lat, district.max_lat), 6)
            lon = round(self.rng.uniform(district.min_lon, district.max_lon), 6)
            found = district_for_point(lat=lat, lon=lon)
            if found is not None and found.pk == district.pk:
                return lat, lon
        raise RuntimeError(f"no point found inside {district}")

    def operator(self) -> User:
        return _weighted(self.rng, self.operators)

    def heads(self, appeal: Appeal) -> list[str]:
        """As notifications.head_recipients: the parent's responsible staff, else the
        department; the officers for a report of possible corruption."""
        if appeal.kind == K.CORRUPTION_REPORT:
            return list(self.officers)
        addressee = self.by_pk.get(appeal.addressee_id)
        if addressee is not None and addressee.parent_id is not None:
            heads = [u.email for u in self.responsible[addressee.parent_id]]
            if heads:
                return heads
        return list(self.department)

    def _save(self) -> None:
        lives = self.lives
        appeals = [life.appeal for life in lives]
        with _historic_timestamps(Appeal, Event, Answer, Rating, CallBack, Signer):
            Appeal.objects.bulk_create(appeals, batch_size=500)
            linked = [life.appeal for life in lives if life.links]
            for life in lives:
                for name, other in life.links.items():
                    setattr(life.appeal, name, other)
            Appeal.objects.bulk_update(
                linked, ["duplicate_of", "repeated_of", "complaint_about"], batch_size=500
            )
            Answer.objects.bulk_create([a for life in lives for a in life.answers], batch_size=500)
            Rating.objects.bulk_create([r for life in lives for r in life.ratings], batch_size=500)
            CallBack.objects.bulk_create([c for life in lives for c in life.call_backs])
            Signer.objects.bulk_create([s for life in lives for s in life.signers])
            events = [e for life in lives for e in life.events]
            for event in events:
                event.payload = {
                    key: value.pk if isinstance(value, models.Model) else value
                    for key, value in event.payload.items()
                }
            Event.objects.bulk_create(events, batch_size=1000)
        for (journal, year), value in self.counters.items():
            JournalCounter.objects.update_or_create(
                journal=journal, year=year, defaults={"value": value}
            )


# --- One appeal's life ----------------------------------------------------------------------------

TRANSITIONS = {
    # step: (states it may start from, as the service allows)
    "register": (S.SUBMITTED,),
    "route": (S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS, S.REOPENED),
    "assign": (S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS, S.REOPENED),
    "start": (S.ASSIGNED, S.REOPENED),
    "answer": (S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS, S.REOPENED),
    "close": (S.ANSWERED,),
    "return": (S.SUBMITTED, S.REGISTERED, S.ASSIGNED),
    "forward": (S.SUBMITTED, S.REGISTERED, S.ASSIGNED),
    "not_consider": (S.SUBMITTED, S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS),
    "duplicate": (S.SUBMITTED, S.REGISTERED, S.ASSIGNED),
    "extend": (S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS, S.REOPENED),
    "reopen": (S.ANSWERED, S.CLOSED),
    "rate": (S.ANSWERED, S.CLOSED),
}


class _Life:
    """One appeal from receipt to today: its row, its events and what hangs on it."""

    def __init__(self, city: _City, spec: Spec) -> None:
        self.city, self.spec = city, spec
        self.rng = random.Random(f"{SEED}:{spec.received_at.isoformat()}:{spec.kind}")  # noqa: S311
        self.events: list[Event] = []
        self.answers: list[Answer] = []
        self.ratings: list[Rating] = []
        self.call_backs: list[CallBack] = []
        self.signers: list[Signer] = []
        self.links: dict[str, Appeal] = {}
        self.history: list[tuple[datetime, str, int | None]] = []
        self.pending_signatures: list[tuple[datetime, Signer]] = []
        self.reminded: set[tuple[date, datetime]] = set()
        self.author: Person | None = None
        self.author_key = ""
        self.context: dict[str, Any] = {}
        self.bank: dict = {}
        self.category_slug = ""
        self.urgency_reason = ""
        self.proposal = ""
        self.repeated: _Life | None = None
        self.issue: dict | None = None
        self.repeat_source: _Life | None = None
        self.moment = spec.received_at

    @property
    def state(self) -> str:
        return self.appeal.state

    def state_at(self, moment: datetime) -> tuple[str | None, int | None]:
        """The state and addressee the appeal had at ``moment`` (None before receipt)."""
        found: tuple[str | None, int | None] = (None, None)
        for when, state, addressee_id in self.history:
            if when > moment:
                break
            found = (state, addressee_id)
        return found

    # -- Writing it

    def live(self) -> None:
        spec = self.spec
        self._compose()
        self._submit()
        for (name, _offset, _who), moment in zip(spec.steps, spec.times, strict=True):
            self._advance(moment)
            self.moment = moment
            getattr(self, f"_{name}")()
        self._advance(self.city.now)
        last = max(e.created_at for e in self.events)
        self.appeal.updated_at = last
        assert last <= self.city.now, (self.appeal.number, last)

    def _event(self, action: str, *, actor=None, from_state="", comment="", is_public=True,
               to_state="", **payload) -> Event:  # fmt: skip
        moment = max(self.moment, self.events[-1].created_at) if self.events else self.moment
        if self.events and moment == self.events[-1].created_at:
            moment += timedelta(microseconds=1)  # keep the order of one action's events
        event = Event(
            appeal=self.appeal,
            created_at=moment,
            actor=actor,
            action=action,
            from_state=from_state,
            to_state=to_state or self.appeal.state,
            comment=comment,
            is_public=is_public,
            payload=payload,
        )
        self.events.append(event)
        return event

    def _staff_note(self, actor: User, comment: str) -> None:
        """As services: a note that goes with an action, kept off the author's timeline."""
        if comment:
            self._event(
                Event.Action.COMMENTED,
                actor=actor,
                from_state=self.appeal.state,
                comment=comment,
                is_public=False,
            )

    def _set_state(self, state: str) -> None:
        self.appeal.state = state
        self.history.append((self.moment, state, self.appeal.addressee_id))

    def _check(self, step: str) -> None:
        assert self.state in TRANSITIONS[step], (step, self.state, self.spec)

    # -- The text and the place

    def _compose(self) -> None:
        """Who writes, about what, where: an issue of a category or of a chosen addressee."""
        city, spec, rng = self.city, self.spec, self.rng
        self.author = self._author_for(spec)
        home = self.author.district if self.author else _weighted(rng, DISTRICT_WEIGHTS)
        self.category: Category | None = None
        self.addressee: Addressee | None = None
        self.reroute_to: Addressee | None = None
        self.complaint_about: _Life | None = None
        self.original: _Life | None = None
        self.decision_date = self.learned_date = None
        self.place_district_hint: str | None = None
        # The same problem as an earlier appeal: the same issue at the same spot.
        same_as: _Life | None = None
        wants_point = False
        if spec.fate == S.DUPLICATE:
            self.original = same_as = self._original(routed=not self._needs_triage_topic())
        if spec.kind == K.CORRUPTION_REPORT:
            subject, text = rng.choice(texts.CORRUPTION)
            self.bank = {"answers": texts.CORRUPTION_ANSWERS}
            self.issue = texts.issue(subject, text, "", texts.CORRUPTION_ANSWERS)
        elif spec.kind == K.PUBLIC_INFORMATION:
            slug = rng.choice(list(texts.PUBLIC_INFORMATION))
            subject, text = rng.choice(texts.PUBLIC_INFORMATION[slug])
            self.addressee = city.addressees[slug]
            self.bank = {}
            self.issue = texts.issue(subject, text, "", texts.PUBLIC_INFORMATION_ANSWERS)
        elif same_as is not None:
            self.category_slug = same_as.category_slug
        else:
            same_as = self._topic()
            if self.category_slug:
                wants_point = spec.kind == K.PROBLEM_REPORT or rng.random() < 0.4
        if self.category_slug:
            self.category = city.categories[self.category_slug]
            self.bank = texts.CATEGORIES[self.category_slug]
            if same_as is None and self.issue is None:
                self.issue = rng.choice(self.bank["issues"])
        if same_as is not None:
            self.issue, self.bank = same_as.issue, same_as.bank
            self.place_district = same_as.place_district
            self.context = dict(same_as.context)
            wants_point = bool(self.category_slug) and (
                spec.kind == K.PROBLEM_REPORT or same_as.appeal.latitude is not None
            )
        else:
            self.place_district = self.place_district_hint or home
            self._context(self.place_district)
        self.district = None
        self.latitude = self.longitude = None
        if wants_point:
            self.district = city.districts[self.place_district]
            if same_as is not None and same_as.appeal.latitude is not None:
                self.latitude, self.longitude = same_as.appeal.latitude, same_as.appeal.longitude
            else:
                self.latitude, self.longitude = city.point(self.district)
        self.subject, self.text = self._write()

    def _author_for(self, spec: Spec) -> Person | None:
        city, rng = self.city, self.rng
        if spec.anonymous:
            return None
        if spec.citizen:
            return city.citizen
        if spec.online_author:
            return rng.choices(city.pool, weights=[p.activity for p in city.pool])[0]
        last, first, patronymic, female = _name(rng)
        address, district = _home(rng)
        person = Person(last, first, patronymic, female, address, district, phone=_phone(rng))
        if spec.channel == C.POST:
            person.phone = "" if rng.random() < 0.6 else person.phone
        if spec.channel == C.EMAIL:
            person.email = f"{_latin(first)}.{_latin(last)}{rng.randint(1, 99)}@ukr.net"
        if spec.kind == K.CORRUPTION_REPORT and rng.random() < 0.5:
            return Person("", "", "", False, "", district, phone=person.phone)
        person.benefits = rng.random() < 0.08
        return person

    def _topic(self) -> "_Life | None":
        """A category (the electronic dispatcher) or a chosen addressee, as the plan allows;
        returns the earlier appeal this one repeats or complains about, if any."""
        city, spec, rng = self.city, self.spec, self.rng
        month = spec.received_at.astimezone(KYIV).month - 1
        if spec.fate == S.NOT_CONSIDERED and spec.kind != K.COMPLAINT:
            earlier = self._answered_earlier(with_category=True)
            if earlier is not None:
                self.author = earlier.author
                self.category_slug = earlier.category_slug
                self.repeat_source = earlier
                return earlier
        if (
            spec.kind == K.COMPLAINT
            and not spec.triage
            and not spec.reroute
            and not spec.late_complaint
        ):
            earlier = self._answered_earlier(with_category=False)
            if earlier is not None and rng.random() < 0.5:
                self.complaint_about = earlier
                self.addressee = city.by_pk[earlier.state_at(spec.received_at)[1]]
                self.issue, self.bank = earlier.issue, earlier.bank
                self.place_district_hint = earlier.place_district
                return None
        if self._needs_triage_topic():
            self.category_slug = rng.choice(list(texts.TRIAGE_ADDRESSEES))
            return None
        if spec.reroute:
            choices = [
                (slug, issue)
                for slug, data in texts.CATEGORIES.items()
                for issue in data["issues"]
                if issue["reroute"]
            ]
            if spec.kind != K.PROBLEM_REPORT:
                mayor = texts.ADDRESSED["miskyi-holova"]["issues"]
                choices += [("miskyi-holova", issue) for issue in mayor] * 3
            slug, self.issue = rng.choice(choices)
            if slug == "miskyi-holova":
                self.addressee = city.addressees[slug]
                self.bank = texts.ADDRESSED[slug]
            else:
                self.category_slug = slug
            self.reroute_to = city.addressees[self.issue["reroute"]]
            return None
        if spec.kind != K.PROBLEM_REPORT and rng.random() < 0.45:
            topics = {
                slug: data["weight"]
                for slug, data in texts.ADDRESSED.items()
                if slug != "miskyi-holova" and (spec.kind != K.PROPOSAL or "proposals" in data)
            }
            slug = _weighted(rng, topics)
            self.addressee = city.addressees[slug]
            self.bank = texts.ADDRESSED[slug]
            self.issue = rng.choice(self.bank["issues"])
            return None
        weights = {
            slug: data["months"][month]
            for slug, data in texts.CATEGORIES.items()
            if data["rules"] and data["months"][month]
        }
        self.category_slug = _weighted(rng, weights)
        return None

    def _answered_earlier(self, *, with_category: bool) -> "_Life | None":
        """An earlier appeal of a resident, answered by now and routed by the rules (for a
        repeated appeal), or answered to this resident (for a complaint about the answer)."""
        received = self.spec.received_at
        if with_category:
            candidates = [
                life
                for life in reversed(self.city.lives[-400:])
                if life.author is not None
                and life.author.user is not None
                and life.category_slug
                and not life.spec.triage
                and not life.spec.reroute
                and life.original is None
                and life.state_at(received)[0] in (S.ANSWERED, S.CLOSED)
                and life.spec.received_at > received - timedelta(days=300)
            ]
        else:
            author = self.author
            if author is None or author.user is None:
                return None
            candidates = [
                life
                for life in reversed(self.city.by_author.get(author.email, []))
                if life.state_at(received)[0] in (S.ANSWERED, S.CLOSED)
                and life.state_at(received)[1] is not None
                and life.spec.kind not in (K.COMPLAINT, K.CORRUPTION_REPORT)
            ]
        return candidates[0] if candidates else None

    def _needs_triage_topic(self) -> bool:
        """In triage under the direct mode (or from an operator) only what no rule routes."""
        spec = self.spec
        return spec.triage and (self.city.direct_mode or spec.channel not in ONLINE)

    def _original(self, *, routed: bool) -> "_Life | None":
        """The earlier report of the same problem (same category, usually the same spot)."""
        received = self.spec.received_at
        candidates = [
            life
            for life in reversed(self.city.lives[-300:])
            if life.state_at(received)[0] is not None
            and life.spec.fate != S.DUPLICATE
            and life.spec.kind in (K.PROBLEM_REPORT, K.APPLICATION)
            and life.spec.received_at > received - timedelta(days=60)
            and life.category_slug
            and (life.category_slug in texts.TRIAGE_ADDRESSEES) != routed
            and not life.spec.reroute
        ]
        same = [life for life in candidates if life.appeal.latitude is not None]
        return (same or candidates or [None])[0]

    def _context(self, district_slug: str) -> None:
        rng = self.rng
        street, on_street, settlement = rng.choice(people.STREETS[district_slug])
        if settlement != people.CITY:
            on_street = f"{on_street} у {settlement}"
        cross = rng.choice([s for s in people.STREETS[district_slug] if s[0] != street])[0]
        values = {
            "school": rng.randint(1, 27),
            "kindergarten": rng.choice(people.KINDERGARTENS),
            "stop": rng.choice(people.STOPS),
            "cross_street": cross.replace("вул. ", "вулицею ").replace("просп. ", "проспектом "),
        }
        house = rng.randint(1, 120)
        gen, loc = people.DISTRICT_CASES[district_slug]
        received = self.spec.received_at.astimezone(KYIV)
        self.context = {
            **values,
            "street": street,
            "on_street": on_street,
            "settlement": settlement,
            "house": house,
            "house2": house + rng.choice([2, 4, 6, 8, 10]),
            "flat": rng.randint(1, 160),
            "entrance": rng.randint(1, 6),
            "address": f"{street}, {house}"
            + (f", {settlement}" if settlement != people.CITY else ""),
            "landmark": rng.choice(people.LANDMARKS).format(**values),
            "district_gen": gen,
            "district_loc": loc,
            "route": rng.choice(people.ROUTES),
            "duration": rng.choice(people.DURATIONS),
            "temp": rng.randint(12, 16),
            "year": received.year,
            "season": people.SEASONS[received.month],
        }

    def _write(self) -> tuple[str, str]:
        spec, rng, bank, issue = self.spec, self.rng, self.bank, self.issue
        female = self.author.female if self.author else False

        def say(template: str) -> str:
            return _say(template, self.context, female=female)

        def detail() -> str:
            return rng.choice(bank["details"]) if bank.get("details") else ""

        kind = spec.kind
        if kind in (K.CORRUPTION_REPORT, K.PUBLIC_INFORMATION):
            body = say(issue["problem"])
            if spec.urgent:
                self.urgency_reason = say(rng.choice(texts.URGENT_REASONS))
                body += " " + self.urgency_reason
            return say(issue["subject"]), body
        if self.complaint_about is not None:
            original = self.complaint_about.appeal
            subject = f"Скарга на відповідь на звернення № {original.number}"
            parts = [
                rng.choice(texts.OPENINGS[K.COMPLAINT]),
                texts.COMPLAINT_ABOUT_ANSWER.format(number=original.number),
                f"Суть звернення: {original.subject}.",
                issue["request"],
                rng.choice(texts.CLOSINGS[K.COMPLAINT]),
            ]
        elif kind == K.PROPOSAL and bank.get("proposals"):
            self.proposal = say(rng.choice(bank["proposals"]))
            subject = self.proposal.removeprefix("Пропоную ").rstrip(".")
            subject = subject[:1].upper() + subject[1:]
            if len(subject) > 150:
                subject = subject[:150].rsplit(" ", 1)[0] + "…"
            parts = [
                rng.choice(texts.OPENINGS[kind]),
                self.proposal,
                detail() if rng.random() < 0.4 else "",
                rng.choice(texts.CLOSINGS[kind]),
            ]
        elif kind == K.PROBLEM_REPORT:
            subject = issue["subject"]
            parts = [issue["problem"], detail() if rng.random() < 0.5 else ""]
        else:
            subject = issue["subject"]
            parts = [
                rng.choice(texts.OPENINGS[kind]),
                issue["problem"],
                detail() if rng.random() < 0.7 else "",
                issue["request"],
                rng.choice(texts.CLOSINGS[kind]),
            ]
        if spec.collective:
            parts.append(texts.COLLECTIVE_NOTE)
        return say(subject), " ".join(p for p in (say(x) for x in parts) if p)

    # -- Receipt

    def _submit(self) -> None:
        city, spec, rng = self.city, self.spec, self.rng
        person = self.author
        on_behalf = spec.channel not in ONLINE
        registered_by = None
        if on_behalf:
            registered_by = city.officer if spec.kind == K.CORRUPTION_REPORT else city.operator()
        actor = registered_by if on_behalf else (person.user if person else None)
        if spec.kind == K.CORRUPTION_REPORT:
            decision = routing.Decision(
                None,
                None,
                _("A report of possible corruption goes to the designated officers only."),
            )
        elif self.addressee is not None:
            decision = routing.Decision(self.addressee, None, _("Chosen by the author."))
        else:
            decision = city.decision(self.category, self.district)
        # As the service: straight to the addressee in the direct mode or from an operator.
        direct = (city.direct_mode or on_behalf) and decision.addressee is not None
        assert direct != spec.triage, (spec, decision)
        received = spec.received_at
        deadline = deadlines.deadline_for(spec.kind, received, urgent=spec.urgent)
        details = person or Person("", "", "", False, "", "")
        self.author_key = details.email.lower() if details.user is not None or details.email else ""
        complaint = spec.kind == K.COMPLAINT
        if complaint:
            self._complaint_dates(received)
        appeal = Appeal(
            number=city.number(spec.kind, details.last_name, received),
            kind=spec.kind,
            state=S.REGISTERED if direct else S.SUBMITTED,
            channel=spec.channel,
            is_collective=spec.collective,
            subject=self.subject[:200],
            text=self.text,
            category=self.category,
            addressee=decision.addressee,
            district=self.district,
            latitude=self.latitude,
            longitude=self.longitude,
            location_text=self.context["address"] if self.latitude is not None else "",
            is_public=spec.kind == K.PROBLEM_REPORT and rng.random() < 0.7,
            is_urgent=spec.urgent,
            urgency_reason=self.urgency_reason,
            has_benefits=details.benefits,
            decision_date=self.decision_date if complaint else None,
            learned_date=self.learned_date if complaint else None,
            author=None if on_behalf else details.user,
            author_last_name=details.last_name,
            author_first_name=details.first_name,
            author_patronymic=details.patronymic,
            author_address=details.address,
            author_email=details.email,
            author_phone=details.phone,
            is_anonymous=spec.anonymous,
            registered_by=registered_by,
            received_at=received,
            registered_at=received if direct else None,
            due_at=deadline.due_at,
            routing_rule=decision.rule,
            routing_reason=decision.reason[:300],
        )
        appeal.search_text = _search_text(appeal)
        self.appeal = appeal
        self.history.append((received, appeal.state, appeal.addressee_id))
        if self.complaint_about is not None:
            self.links["complaint_about"] = self.complaint_about.appeal
        self._event(
            Event.Action.SUBMITTED,
            actor=actor,
            to_state=S.SUBMITTED,
            channel=spec.channel,
            registered_by=registered_by.pk if registered_by else None,
        )
        self._event(
            Event.Action.ROUTED,
            to_state=S.SUBMITTED,
            is_public=False,
            addressee=decision.addressee.pk if decision.addressee else None,
            rule=decision.rule.pk if decision.rule else None,
            reason=decision.reason,
        )
        if direct:
            self._event(Event.Action.REGISTERED, actor=registered_by, from_state=S.SUBMITTED)
        if (
            complaint
            and self.decision_date
            and not deadlines.complaint_filed_in_time(
                self.decision_date, self.learned_date, received.astimezone(KYIV).date()
            )
        ):
            self._event(
                Event.Action.COMMENTED,
                is_public=False,
                comment=_(
                    "Filed after the term of Law 393/96-ВР art. 17: it may be left "
                    "unconsidered (art. 8)."
                ),
            )
        self._flag_if_repeated()
        if spec.collective:
            self._invite_signers()

    def _complaint_dates(self, received: datetime) -> None:
        rng, today = self.rng, received.astimezone(KYIV).date()
        if self.complaint_about is not None:
            answered = self.complaint_about.answered_at_before(received)
            self.decision_date = answered.astimezone(KYIV).date()
            self.learned_date = min(today, self.decision_date + timedelta(days=rng.randint(0, 3)))
            if (today - self.learned_date).days > 25:
                self.learned_date = today - timedelta(days=rng.randint(1, 20))
        elif self.spec.late_complaint:
            self.decision_date = today - timedelta(days=rng.randint(70, 300))
            self.learned_date = self.decision_date + timedelta(days=rng.randint(0, 20))
        elif rng.random() < 0.6:
            self.learned_date = today - timedelta(days=rng.randint(1, 25))
            self.decision_date = self.learned_date - timedelta(days=rng.randint(0, 10))

    def answered_at_before(self, moment: datetime) -> datetime:
        return max(a.created_at for a in self.answers if a.created_at <= moment)

    def _flag_if_repeated(self) -> None:
        """As services._flag_if_repeated: at intake, and whenever it reaches a new addressee."""
        if self.repeated is not None:
            return
        repeated = self._repeats()
        if repeated is None:
            return
        self.links["repeated_of"] = repeated.appeal
        self.repeated = repeated
        self._event(
            Event.Action.REPEATED,
            is_public=False,
            comment=_("Possibly repeats %(number)s, already answered.")
            % {"number": repeated.appeal.number},
            original=repeated.appeal,
        )

    def _repeats(self) -> "_Life | None":
        """As services._repeated_of, over the appeals written so far, as they stand now."""
        appeal, now = self.appeal, self.moment
        if appeal.addressee_id is None or not self.author_key:
            return None
        received = appeal.received_at
        earlier = [
            life
            for life in reversed(self.city.by_author.get(self.author_key, []))
            if life.state_at(now) in ((S.ANSWERED, appeal.addressee_id),
                                      (S.CLOSED, appeal.addressee_id))
            and life.appeal.received_at >= received - timedelta(days=365)
        ][:20]  # fmt: skip
        words = normalize_search(f"{appeal.subject} {appeal.text}")
        for candidate in earlier:
            if appeal.category_id and candidate.appeal.category_id == appeal.category_id:
                return candidate
            other = normalize_search(f"{candidate.appeal.subject} {candidate.appeal.text}")
            matcher = difflib.SequenceMatcher(None, words, other, autojunk=False)
            if matcher.quick_ratio() >= 0.9 and matcher.ratio() >= 0.6:
                return candidate
        return None

    def _invite_signers(self) -> None:
        city, rng = self.city, self.rng
        others = [p for p in city.pool if p.user is not None and p is not self.author]
        chosen = rng.sample(others, rng.randint(2, 6))
        # The demo citizen co-signs two appeals: one he has still to confirm, one he did.
        wanted = "open" if self.spec.fate in OPEN_STATES else self.spec.fate
        citizen_signs = (
            city.citizen is not None
            and self.author is not city.citizen
            and wanted in ("open", S.CLOSED)
            and wanted not in city.citizen_signed
        )
        if citizen_signs:
            city.citizen_signed.add(wanted)
            chosen.append(city.citizen)
        for person in chosen:
            signer = Signer(
                appeal=self.appeal, user=person.user, invited_at=self.appeal.received_at
            )
            self.signers.append(signer)
            pending = person is city.citizen and wanted == "open"
            if not pending and rng.random() < 0.85:
                when = _waking_time(
                    self.appeal.received_at + timedelta(days=rng.uniform(0.05, 4)), rng
                )
                self.pending_signatures.append((when, signer))
        self.pending_signatures.sort(key=lambda pair: pair[0])

    # -- What happens between the steps: signatures, and the deadline job's reminders and marks

    def _advance(self, until: datetime) -> None:
        city = self.city
        happenings: list[tuple[datetime, str, Any]] = []
        for when, signer in self.pending_signatures:
            if when < until:
                happenings.append((when, "sign", signer))
        self.pending_signatures = [(w, s) for w, s in self.pending_signatures if w >= until]
        appeal = self.appeal
        if appeal.state in OPEN_STATES:
            horizon = timedelta(days=max(settings.DEADLINE_REMINDER_DAYS, default=0) + 1)
            for day in deadlines.reminder_dates(appeal.due_at):
                run = datetime.combine(day, time(0, 5 + day.toordinal() % 50), KYIV)
                if (
                    self.moment < run < until
                    and day < city.today
                    and (day, appeal.due_at) not in self.reminded
                    and run <= appeal.due_at < run + horizon
                    and self._staff_recipients()
                ):
                    happenings.append((run, "remind", day))
            if not appeal.is_overdue:
                # The hourly job's first run after the deadline, the same in every call.
                mark = appeal.due_at + timedelta(minutes=1 + appeal.received_at.minute % 55)
                if self.moment < mark < until:
                    happenings.append((mark, "overdue", None))
        for when, what, value in sorted(happenings, key=lambda h: h[0]):
            self.moment = when
            if what == "sign":
                if appeal.state not in OPEN_STATES:
                    continue
                value.confirmed_at = when
                self._event(Event.Action.SIGNED, actor=value.user)
            elif what == "remind":
                self.reminded.add((value, appeal.due_at))
                self._event(
                    Event.Action.REMINDED,
                    from_state=appeal.state,
                    is_public=False,
                    due=appeal.due_at.isoformat(),
                )
            else:
                appeal.is_overdue = True
                self._event(
                    Event.Action.OVERDUE,
                    from_state=appeal.state,
                    is_public=False,
                    due=appeal.due_at.isoformat(),
                )
                heads = city.heads(appeal)
                if heads:
                    self._event(
                        Event.Action.ESCALATED, from_state=appeal.state, is_public=False, to=heads
                    )

    def _staff_recipients(self) -> list[str]:
        """As the deadline job's: the addressee's responsible staff (the officers, for a report
        of possible corruption), the executor, and the department's mailbox."""
        appeal, city = self.appeal, self.city
        if appeal.kind == K.CORRUPTION_REPORT:
            return list(city.officers) + ([appeal.executor.email] if appeal.executor else [])
        emails = [u.email for u in city.responsible.get(appeal.addressee_id, [])]
        if appeal.executor is not None:
            emails.append(appeal.executor.email)
        return emails + city.department

    # -- The steps, each as its service does it

    def _addressee_staff(self) -> tuple[list[User], list[User]]:
        addressee_id = self.appeal.addressee_id
        return self.city.responsible.get(addressee_id, []), self.city.members.get(addressee_id, [])

    def _registrar(self) -> User:
        return self.city.officer if self.spec.kind == K.CORRUPTION_REPORT else self.city.operator()

    def _register(self) -> None:
        self._check("register")
        city, spec, appeal, rng = self.city, self.spec, self.appeal, self.rng
        actor = self._registrar()
        if spec.kind == K.CORRUPTION_REPORT:
            addressee = city.addressees[staff_data.CORRUPTION_ADDRESSEE]
        elif appeal.addressee_id is not None:
            addressee = city.by_pk[appeal.addressee_id]
        else:
            addressee = city.addressees[texts.TRIAGE_ADDRESSEES[self.category_slug]]
        previous = appeal.addressee_id
        appeal.addressee = addressee
        if spec.simple:
            short = deadlines.deadline_for(appeal.kind, appeal.term_start, simple=True).due_at
            if short >= self.moment:  # never once the short term has run out
                appeal.is_simple = True
                appeal.due_at = short
        appeal.registered_at = self.moment
        appeal.registered_by = actor
        self._set_state(S.REGISTERED)
        self._flag_if_repeated()
        if previous != addressee.pk:
            self._event(
                Event.Action.ROUTED,
                actor=actor,
                is_public=False,
                addressee=addressee.pk,
                previous=previous,
                correction=previous is not None,
            )
        self._event(Event.Action.REGISTERED, actor=actor, from_state=S.SUBMITTED)
        self._staff_note(actor, rng.choice(texts.REGISTRATION_COMMENTS))

    def _route(self) -> None:
        self._check("route")
        appeal = self.appeal
        target = self.reroute_to
        assert target is not None and target.pk != appeal.addressee_id, self.spec
        previous, from_state = appeal.addressee_id, appeal.state
        appeal.addressee = target
        appeal.executor = None
        self._set_state(S.REGISTERED)
        self._flag_if_repeated()
        self._event(
            Event.Action.ROUTED,
            actor=self.city.operator(),
            from_state=from_state,
            comment=self.rng.choice(texts.ROUTE_COMMENTS),
            is_public=False,
            addressee=target.pk,
            previous=previous,
            correction=True,
        )

    def _assign(self) -> None:
        self._check("assign")
        appeal, rng = self.appeal, self.rng
        responsible, members = self._addressee_staff()
        if self.spec.kind == K.CORRUPTION_REPORT:
            actor = executor = self.city.officer
        else:
            actor = rng.choice(responsible) if responsible and rng.random() < 0.8 else None
            actor = actor or self.city.operator()
            ordinary = [u for u in members if u not in responsible]
            executor = rng.choice(ordinary if ordinary and rng.random() < 0.85 else members)
        assert executor is not None and executor.pk != appeal.executor_id, self.spec
        from_state = appeal.state
        appeal.executor = executor
        self._set_state(S.ASSIGNED)
        self._event(Event.Action.ASSIGNED, actor=actor, from_state=from_state, executor=executor.pk)
        self._staff_note(actor, rng.choice(texts.ASSIGN_COMMENTS))

    def _worker(self) -> User:
        """Who works on it: its executor, else the addressee's responsible, else an operator."""
        if self.appeal.executor is not None:
            return self.appeal.executor
        if self.spec.kind == K.CORRUPTION_REPORT:
            return self.city.officer
        responsible, _members = self._addressee_staff()
        return self.rng.choice(responsible) if responsible else self.city.operator()

    def _start(self) -> None:
        self._check("start")
        from_state = self.appeal.state
        self._set_state(S.IN_PROGRESS)
        self._event(Event.Action.STARTED, actor=self._worker(), from_state=from_state)

    def _note(self) -> None:
        self._event(
            Event.Action.COMMENTED,
            actor=self._worker(),
            from_state=self.appeal.state,
            comment=self.rng.choice(texts.INTERNAL_NOTES),
            is_public=False,
        )

    def _extend(self) -> None:
        self._check("extend")
        appeal = self.appeal
        current = deadlines.Deadline(appeal.due_at, "", working_days=False)
        try:
            extended = deadlines.extend(
                current, appeal.term_start, kind=appeal.kind, at=self.moment
            )
        except ValidationFailed:
            return  # the service would refuse it too: no extension, the answer may be late
        previous = appeal.due_at
        appeal.due_at = extended.due_at
        appeal.extended_at = self.moment
        appeal.is_overdue = False
        reason = (
            texts.PUBLIC_INFORMATION_EXTENSION
            if appeal.kind == K.PUBLIC_INFORMATION
            else self.rng.choice(texts.EXTENSION_REASONS)
        )
        self._event(
            Event.Action.EXTENDED,
            actor=self._worker(),
            from_state=appeal.state,
            comment=reason,
            previous_due=previous.isoformat(),
            due=extended.due_at.isoformat(),
        )

    def _answer(self) -> None:
        self._check("answer")
        appeal = self.appeal
        actor = self._worker()
        from_state = appeal.state
        appeal.answered_at = self.moment
        appeal.is_overdue = appeal.is_overdue or self.moment > appeal.due_at
        if appeal.executor is None:
            appeal.executor = actor
        self._set_state(S.ANSWERED)
        answer = Answer(
            appeal=appeal, author=actor, text=self._answer_text(actor), created_at=self.moment
        )
        self.answers.append(answer)
        self._event(
            Event.Action.ANSWERED,
            actor=actor,
            from_state=from_state,
            answer=answer,
            on_time=self.moment <= appeal.due_at,
        )

    def _answer_text(self, actor: User) -> str:
        rng, appeal = self.rng, self.appeal
        context = {
            **self.context,
            "answer_date": _date_text(self.moment),
            "year": self.moment.astimezone(KYIV).year,
            "season": people.SEASONS[self.moment.astimezone(KYIV).month],
            "first_name": appeal.author_first_name,
            "patronymic": appeal.author_patronymic,
            "received_date": _date_text(appeal.received_at),
        }
        female = self.author.female if self.author else False
        openings = texts.ANSWER_OPENINGS if appeal.author_first_name else texts.ANSWER_OPENINGS[1:]
        answers = texts.PROPOSAL_ANSWERS if self.proposal else self.issue["answers"]
        body = rng.choice(answers)
        addressee = self.city.by_pk[appeal.addressee_id]
        opening = _say(rng.choice(openings), context, female=female)
        body = _say(body, context, female=female)
        if "повідомляємо" in opening and body.startswith("Повідомляємо, що "):
            body = body.removeprefix("Повідомляємо, що ")
            body = body[:1].upper() + body[1:]
        parts = [opening, body, rng.choice(texts.ANSWER_CLOSINGS)]
        return "\n\n".join([*parts, f"{actor.full_name}\n{addressee.name}"])

    def _close(self, *, actor: User | None = None) -> None:
        self._check("close")
        self.appeal.closed_at = self.moment
        self._set_state(S.CLOSED)
        comment = self.rng.choice(texts.CLOSE_COMMENTS) if actor else ""
        self._event(Event.Action.CLOSED, actor=actor, from_state=S.ANSWERED, comment=comment)

    def _auto_close(self) -> None:
        self._close(actor=None)

    def _close_by_author(self) -> None:
        self._close(actor=self.appeal.author)

    def _rate(self, *, dispute: bool = False) -> None:
        self._check("rate")
        rng, appeal = self.rng, self.appeal
        answer = self.answers[-1]
        late = appeal.answered_at > appeal.due_at
        if dispute:
            quality, completeness, speed = rng.randint(1, 2), rng.randint(1, 2), rng.randint(1, 3)
            comment = rng.choice(texts.DISPUTE_REASONS)
        else:
            quality = min(5, max(1, round(rng.gauss(4.2, 1.0))))
            completeness = min(5, max(1, quality + rng.choice([-1, 0, 0, 0, 1])))
            speed = min(5, max(1, round(rng.gauss(2.6 if late else 4.3, 1.0))))
            mood = (quality + completeness + speed) / 3
            comment = rng.choice(
                texts.RATING_COMMENTS["high" if mood >= 4 else "middle" if mood > 2.5 else "low"]
            )
        comment = _say(comment, {}, female=self.author.female if self.author else False)
        self.ratings.append(
            Rating(
                appeal=appeal,
                answer=answer,
                user=appeal.author,
                quality=quality,
                speed=speed,
                completeness=completeness,
                comment=comment,
                created_at=self.moment,
            )
        )
        self._event(
            Event.Action.RATED,
            actor=appeal.author,
            from_state=appeal.state,
            comment=comment,
            quality=quality,
            speed=speed,
            completeness=completeness,
        )
        if dispute:
            assert self.moment <= appeal.answered_at + timedelta(days=settings.APPEAL_DISPUTE_DAYS)
            self._reopened(actor=appeal.author, reason=comment)

    def _dispute(self) -> None:
        if self.rng.random() < 0.6:
            self._rate(dispute=True)
        else:
            self._check("reopen")
            self._reopened(actor=self.appeal.author, reason=self.rng.choice(texts.DISPUTE_REASONS))

    def _reopen(self) -> None:
        self._check("reopen")
        self._reopened(
            actor=self.city.operator(), reason=self.rng.choice(texts.OPERATOR_REOPEN_REASONS)
        )

    def _reopened(self, *, actor: User, reason: str) -> None:
        appeal = self.appeal
        from_state = appeal.state
        appeal.closed_at = None
        # Considered anew: a new term from the reopening, which may be extended again.
        appeal.term_started_at = self.moment
        appeal.extended_at = None
        appeal.due_at = deadlines.deadline_for(
            appeal.kind, self.moment, simple=appeal.is_simple, urgent=appeal.is_urgent
        ).due_at
        appeal.is_overdue = False
        self._set_state(S.REOPENED)
        self._event(
            Event.Action.REOPENED,
            actor=actor,
            from_state=from_state,
            comment=reason,
            due=appeal.due_at.isoformat(),
        )

    def _call_back(self) -> None:
        rng, appeal = self.rng, self.appeal
        outcome = _weighted(
            rng, {"satisfied": 60, "not_satisfied": 15, "no_answer": 20, "wrong_number": 5}
        )
        note = _say(
            rng.choice(texts.CALL_BACK_NOTES[outcome]),
            {},
            female=self.author.female if self.author else False,
        )
        operator = self.city.operator()
        self.call_backs.append(
            CallBack(
                appeal=appeal, operator=operator, outcome=outcome, note=note, created_at=self.moment
            )
        )
        self._event(
            Event.Action.CALLED_BACK,
            actor=operator,
            from_state=appeal.state,
            comment=note,
            is_public=False,
            outcome=outcome,
        )

    def _finish(self, state: str, action: str, comment: str, **payload) -> None:
        from_state = self.appeal.state
        self.appeal.closed_at = self.moment
        self._set_state(state)
        self._event(action, actor=self._registrar(), from_state=from_state, comment=comment,
                    **payload)  # fmt: skip

    def _return(self) -> None:
        self._check("return")
        limit = deadlines.appeal_return_deadline(self.appeal.received_at)
        assert self.moment <= limit.due_at, self.spec
        explanation = self.rng.choice(texts.RETURN_EXPLANATIONS)
        self._finish(S.RETURNED, Event.Action.RETURNED, explanation)

    def _forward(self) -> None:
        self._check("forward")
        limit = deadlines.appeal_forward_deadline(self.appeal.received_at)
        assert self.moment <= limit.due_at, self.spec
        targets = (
            texts.FORWARD_TARGETS.get(self.category_slug)
            or texts.FORWARD_TARGETS.get(self.spec.kind)
            or texts.FORWARD_TARGETS["default"]
        )
        to = self.rng.choice(targets)
        self.appeal.forwarded_to = to
        comment = self.rng.choice(texts.FORWARD_COMMENTS)
        self._finish(S.FORWARDED, Event.Action.FORWARDED, comment, to=to)

    def _not_consider(self) -> None:
        self._check("not_consider")
        if self.spec.late_complaint:
            reason, comment = "late_complaint", texts.NOT_CONSIDERED_COMMENTS["late_complaint"]
        elif self.repeated is not None:
            reason = "repeated"
            comment = texts.NOT_CONSIDERED_COMMENTS["repeated"].format(
                number=self.repeated.appeal.number
            )
        else:
            reason, comment = "incapacitated", ""
        text = str(NOT_CONSIDERED_REASONS[reason]) + (f". {comment}" if comment else "")
        self._finish(S.NOT_CONSIDERED, Event.Action.NOT_CONSIDERED, text, reason=reason)

    def _duplicate(self) -> None:
        self._check("duplicate")
        original = self.original
        if original is None:
            original = next(
                life
                for life in reversed(self.city.lives)
                if life.state_at(self.moment)[0] is not None and life.spec.fate != S.DUPLICATE
            )
        self.links["duplicate_of"] = original.appeal
        comment = self.rng.choice(texts.DUPLICATE_COMMENTS)
        self._finish(
            S.DUPLICATE,
            Event.Action.DUPLICATE,
            comment,
            original=original.appeal,
            original_number=original.appeal.number,
        )


_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "ʼ": "",
}  # fmt: skip


def _latin(word: str) -> str:
    """Ukrainian national transliteration, enough for a plausible e-mail address."""
    return "".join(_LATIN.get(ch, ch) for ch in word.lower())
