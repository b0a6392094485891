"""The demo city's electronic queues: ЦНАП, a housing specialist, a deputy's reception day.

Safe to run again: a queue is created only when its code is missing, and only a new queue
gets demo bookings. Bookings are written row for row as the services would (numbers, events)
but without e-mails: nobody is told about a visit that was never booked.
"""

import random
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from hromada.accounts.models import User
from hromada.directory.models import Addressee
from hromada.equeue import selectors
from hromada.equeue.models import (
    Booking,
    Closure,
    Event,
    FormField,
    MonthlyRule,
    Queue,
    Service,
    State,
    WeeklyHours,
)
from hromada.equeue.slots import candidate_starts

SEED = 2026
CITIZEN_EMAIL = "citizen@novoiarsk.example"
WEEKDAYS = range(5)

QUEUES = [
    {
        "addressee": "cnap",
        "slug": "cnap-pryiom",
        "name": "Прийом документів у ЦНАП",
        "description": "Адміністративні послуги: реєстрація місця проживання, паспорти, довідки.",
        "location": "вул. Соборна, 1, зал обслуговування, вікна 1–4",
        "ticket_prefix": "Ц",
        "slot_step_minutes": 15,
        "horizon_days": 14,
        "active_limit": 2,
        "week": dict.fromkeys(WEEKDAYS, ("09:00", "17:00", "13:00", "14:00")),
        "services": [
            ("Реєстрація місця проживання", 15),
            ("Паспорт громадянина України (ID-картка)", 30),
            ("Довідка про склад сім'ї", 15),
        ],
        "fields": [
            ("Спосіб отримання результату", "choice", True, "Особисто\nПоштою"),
            ("Коротко про питання", "textarea", False, ""),
        ],
        "bookings_per_day": 10,
    },
    {
        "addressee": "zhytlovyi-holovnyi-spetsialist",
        "slug": "zhytlo-konsultatsii",
        "name": "Консультації з житлових питань",
        "description": "Черга на квартирному обліку, приватизація, переведення житла.",
        "location": "",
        "ticket_prefix": "Ж",
        "slot_step_minutes": 20,
        "horizon_days": 21,
        "active_limit": 1,
        "week": {1: ("09:00", "12:00", None, None), 3: ("14:00", "17:00", None, None)},
        "services": [("Консультація", 20), ("Прийом документів на квартирний облік", 40)],
        "fields": [("Номер справи, якщо є", "text", False, "")],
        "vacation_in_days": (28, 34),
        "bookings_per_day": 4,
    },
    {
        "addressee": "deputat-levchenko",
        "slug": "levchenko-pryiom",
        "name": "Прийом виборців депутатом",
        "description": "Особистий прийом щопершого четверга місяця з 10:00 до 13:00.",
        "location": "",
        "ticket_prefix": "Д",
        "slot_step_minutes": 20,
        "horizon_days": 62,
        "active_limit": 1,
        "monthly": [(1, 3, ("10:00", "13:00", None, None))],
        "services": [("Особистий прийом", 20)],
        "fields": [("Суть питання", "textarea", True, "")],
        "bookings_per_day": 3,
    },
]
TOPICS = ["Особисто", "Поштою"]


def _hours(times) -> dict:
    names = ("opens", "closes", "break_starts", "break_ends")
    return {n: time.fromisoformat(t) if t else None for n, t in zip(names, times, strict=True)}


def load(*, stdout) -> None:
    residents = list(
        User.objects.filter(email__startswith="resident").order_by("email")[:40]
    ) or list(User.objects.filter(email=CITIZEN_EMAIL))
    citizen = User.objects.filter(email=CITIZEN_EMAIL).first()
    made = 0
    for entry in QUEUES:
        addressee = Addressee.objects.filter(slug=entry["addressee"]).first()
        if addressee is None:
            stdout.write(f"Queue: no addressee {entry['addressee']}; load the directory first.")
            continue
        if Queue.objects.filter(slug=entry["slug"]).exists():
            continue
        with transaction.atomic():
            queue = _queue(addressee, entry)
            if residents:
                made += _bookings(queue, entry, residents, citizen)
    stdout.write(
        f"Queue: {Queue.objects.count()} queues, {Booking.objects.count()} bookings "
        f"({made} new); the desk is for the staff of ЦНАП (moderator@…), the housing "
        "specialist (executor@…)"
    )


def _queue(addressee: Addressee, entry: dict) -> Queue:
    keys = ("slug", "name", "description", "location", "ticket_prefix", "slot_step_minutes")
    queue = Queue.objects.create(
        addressee=addressee,
        horizon_days=entry["horizon_days"],
        active_limit=entry["active_limit"],
        **{key: entry[key] for key in keys},
    )
    for weekday, times in entry.get("week", {}).items():
        WeeklyHours.objects.create(queue=queue, weekday=weekday, **_hours(times))
    for ordinal, weekday, times in entry.get("monthly", []):
        MonthlyRule.objects.create(queue=queue, ordinal=ordinal, weekday=weekday, **_hours(times))
    for order, (name, minutes) in enumerate(entry["services"]):
        Service.objects.create(queue=queue, name=name, duration_minutes=minutes, order=order)
    for order, (label, kind, required, choices) in enumerate(entry["fields"]):
        FormField.objects.create(
            queue=queue, label=label, kind=kind, is_required=required, choices=choices, order=order
        )
    if "vacation_in_days" in entry:
        today = timezone.localdate()
        first, last = entry["vacation_in_days"]
        Closure.objects.create(
            queue=queue,
            starts_on=today + timedelta(days=first),
            ends_on=today + timedelta(days=last),
            note="Відпустка спеціаліста",
        )
    return queue


def _bookings(queue: Queue, entry: dict, residents: list[User], citizen: User | None) -> int:
    """Past days served (with a few who did not come), today's list, and the coming days."""
    rng = random.Random(f"{SEED}-{queue.slug}")  # noqa: S311  (demo data, not secrets)
    today = timezone.localdate()
    now = timezone.now()
    services = list(queue.services.all())
    fields = list(queue.form_fields.all())
    first = today - timedelta(days=14)
    last = today + timedelta(days=entry["horizon_days"])
    plan = selectors.queue_plan(queue, first_day=first, last_day=last)
    rows, events = [], []
    day = first
    while day <= last:
        taken_until = None
        numbers = 0
        for start, _end in candidate_starts(
            plan,
            day,
            duration=timedelta(minutes=queue.slot_step_minutes),
            step=timedelta(minutes=queue.slot_step_minutes),
            zone=selectors.zone(),
        ):
            if numbers >= entry["bookings_per_day"] or rng.random() < 0.45:
                continue
            service = rng.choice(services)
            ends = start + timedelta(minutes=service.duration_minutes)
            if (taken_until and start < taken_until) or not plan_fits(plan, start, ends):
                continue
            person = rng.choice(residents)
            if start < now:
                state = State.NO_SHOW if rng.random() < 0.1 else State.SERVED
            else:
                state = State.BOOKED
            numbers += 1
            taken_until = ends
            rows.append(
                Booking(
                    queue=queue,
                    service=service,
                    citizen=person,
                    code=f"demo{rng.getrandbits(64):016x}",
                    number=f"{queue.ticket_prefix}-{numbers:03d}",
                    day=day,
                    starts_at=start,
                    ends_at=ends,
                    state=state,
                    citizen_name=person.full_name or person.email,
                    citizen_email=person.email,
                    citizen_phone=str(person.phone or ""),
                    answers=[
                        {
                            "label": f.label,
                            "value": rng.choice(f.choice_list())
                            if f.kind == FormField.Kind.CHOICE
                            else ("Консультація щодо документів" if f.is_required else ""),
                        }
                        for f in fields
                    ],
                )
            )
        day += timedelta(days=1)
    if citizen is not None and rows:
        # The demo resident holds the first coming ticket, to find in the cabinet.
        coming = next((b for b in rows if b.state == State.BOOKED), None)
        if coming is not None:
            coming.citizen = citizen
            coming.citizen_name = citizen.full_name or citizen.email
            coming.citizen_email = citizen.email
    Booking.objects.bulk_create(rows)
    for booking in Booking.objects.filter(queue=queue):
        events.append(Event(booking=booking, action=Event.Action.BOOKED, to_state=State.BOOKED))
        if booking.state != State.BOOKED:
            events.append(
                Event(
                    booking=booking,
                    action=booking.state,
                    from_state=State.BOOKED,
                    to_state=booking.state,
                )
            )
    Event.objects.bulk_create(events)
    return len(rows)


def plan_fits(plan, start, ends) -> bool:
    local = timezone.localtime(start, selectors.zone())
    local_end = timezone.localtime(ends, selectors.zone())
    return any(
        opens <= local.time() and local_end.time() <= closes
        for opens, closes in plan.intervals_on(local.date())
    )
