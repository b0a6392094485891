"""The morning summary for heads: what came in, what was answered on time, what is overdue now
(by number) and how residents rated the answers.

Heads are the responsible staff of an addressee that has units or officials under it; each
gets the figures for that addressee and everything under it. The appeals department's mailbox
(APPEALS_DEPARTMENT_EMAIL) gets the whole council's. Reports of possible corruption are never
counted: even their existence is confidential.

The job runs once a day (hromada.core.scheduling claims one run per slot however many workers
there are). Each summary is handed to the messaging layer as a notification of its own kind
(``appeal_summary``): a head chooses its channels in the cabinet like any other kind, and its
deliveries are recorded, sent by the workers with retries, and shown like all the others. The
notification's key is the (recipient, day), so a retried run (a worker that died half-way)
owes only those still missing.
"""

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Avg, Count, F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from hromada.appeals.models import OPEN_STATES, Appeal, Kind, Rating
from hromada.appeals.selectors import day_start
from hromada.core.deadlines import KYIV, ONE_DAY
from hromada.core.scheduling import periodic
from hromada.directory.models import Addressee, Membership
from hromada.messaging.models import Channel
from hromada.messaging.models import Kind as MessageKind
from hromada.messaging.notify import notification_send

logger = logging.getLogger(__name__)

SOURCE = "appeals.summary"
WEEK_DAYS = 7
# The overdue appeals an e-mail lists by number; the rest are counted and a link shows them.
OVERDUE_LISTED = 30


@dataclass
class Section:
    """The figures of one head's area (or of the whole council)."""

    title: str
    received_yesterday: int = 0
    received_week: int = 0
    answered_week: int = 0
    answered_on_time_week: int = 0
    ratings_week: int = 0
    average_rating: float | None = None
    overdue_now: int = 0
    overdue: list[Appeal] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.received_week or self.answered_week or self.ratings_week or self.overdue_now
        )

    @property
    def overdue_not_listed(self) -> int:
        return self.overdue_now - len(self.overdue)


def _summarise(appeals: QuerySet[Appeal], *, title: str, day: date, now: datetime) -> Section:
    """The figures of ``appeals`` for the Kyiv ``day`` and the week that ends with it."""
    appeals = appeals.exclude(kind=Kind.CORRUPTION_REPORT)
    day_from, day_to = day_start(day), day_start(day + ONE_DAY)
    week_from = day_start(day - timedelta(days=WEEK_DAYS - 1))
    answered = Q(answered_at__gte=week_from, answered_at__lt=day_to)
    figures = appeals.aggregate(
        received_yesterday=Count("pk", filter=Q(received_at__gte=day_from, received_at__lt=day_to)),
        received_week=Count("pk", filter=Q(received_at__gte=week_from, received_at__lt=day_to)),
        answered_week=Count("pk", filter=answered),
        # As the addressee's public statistics count it: answered and never overdue.
        answered_on_time_week=Count("pk", filter=answered & Q(is_overdue=False)),
    )
    rating = Rating.objects.filter(
        appeal__in=appeals, created_at__gte=week_from, created_at__lt=day_to
    ).aggregate(count=Count("pk"), total=Avg(F("quality") + F("speed") + F("completeness")))
    # A rating's average is the mean of its three scores (Rating.average).
    average = rating["total"] / 3 if rating["total"] is not None else None
    overdue = appeals.filter(state__in=OPEN_STATES, due_at__lt=now)
    return Section(
        title=title,
        ratings_week=rating["count"],
        average_rating=round(average, 1) if average is not None else None,
        overdue_now=overdue.count(),
        overdue=list(
            overdue.select_related("addressee", "executor").order_by("due_at", "pk")[
                :OVERDUE_LISTED
            ]
        ),
        **figures,
    )


def _subtrees() -> tuple[dict[int, Addressee], dict[int, set[int]]]:
    """Every addressee with something under it, and the ids of it and all below it."""
    addressees = {a.pk: a for a in Addressee.objects.only("pk", "name", "parent_id")}
    children: dict[int, list[int]] = defaultdict(list)
    for addressee in addressees.values():
        if addressee.parent_id is not None:
            children[addressee.parent_id].append(addressee.pk)
    below: dict[int, set[int]] = {}
    for pk in children:
        found, stack = {pk}, [pk]
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in found:  # the tree is a tree, but a bad edit must not loop
                    found.add(child)
                    stack.append(child)
        below[pk] = found
    return addressees, below


def _heads() -> dict[int, list[int]]:
    """User id -> the addressees (with units under them) that person is responsible for."""
    _addressees, below = _subtrees()
    heads: dict[int, list[int]] = defaultdict(list)
    memberships = Membership.objects.filter(
        is_responsible=True, user__is_active=True, addressee_id__in=below
    ).order_by("addressee__order", "addressee_id")
    for user_id, addressee_id in memberships.values_list("user_id", "addressee_id"):
        heads[user_id].append(addressee_id)
    return heads


def _render(sections: list[Section], *, day: date) -> tuple[str, str]:
    context = {
        "sections": sections,
        "day": day,
        "week_from": day - timedelta(days=WEEK_DAYS - 1),
        "site_url": settings.SITE_URL.rstrip("/"),
        "city_name": settings.CITY_NAME,
    }
    subject = render_to_string("appeals/email/summary_subject.txt", context)
    body = render_to_string("appeals/email/summary.txt", context)
    return " ".join(subject.split()), body


def summaries_build(*, today: date, now: datetime) -> dict[int | str, list[Section]]:
    """Recipient (a head's user id, or the department's address) -> the sections of their
    summary of ``today``'s yesterday (empty ones left out; nobody is told that nothing
    happened)."""
    day = today - ONE_DAY
    addressees, below = _subtrees()
    owed: dict[int | str, list[Section]] = {}
    department = (settings.APPEALS_DEPARTMENT_EMAIL or "").strip().lower()
    if department:
        section = _summarise(Appeal.objects.all(), title=settings.CITY_NAME, day=day, now=now)
        if not section.is_empty:
            owed[department] = [section]
    for user_id, addressee_ids in _heads().items():
        sections = [
            _summarise(
                Appeal.objects.filter(addressee_id__in=below[pk]),
                title=addressees[pk].name,
                day=day,
                now=now,
            )
            for pk in addressee_ids
        ]
        sections = [s for s in sections if not s.is_empty]
        if sections:
            owed.setdefault(user_id, []).extend(sections)
    return owed


def summary_key(recipient: int | str, day: date) -> str:
    """One summary per recipient and day, however often the job runs."""
    who = f"user:{recipient}" if isinstance(recipient, int) else f"address:{recipient}"
    return f"{SOURCE}:{day.isoformat()}:{hashlib.sha256(who.encode()).hexdigest()[:20]}"


def summaries_send(*, today: date | None = None) -> int:
    """Owe every head the summary of yesterday (Kyiv) through the messaging layer; return
    how many summaries were newly owed (the workers send them)."""
    now = timezone.now()
    today = today or now.astimezone(KYIV).date()
    day = today - ONE_DAY
    owed_now = 0
    with translation.override(settings.LANGUAGE_CODE):
        for recipient, sections in summaries_build(today=today, now=now).items():
            subject, body = _render(sections, day=day)
            common = {
                "kind": MessageKind.APPEAL_SUMMARY,
                "subject": subject,
                "body": body,
                "url": "/office/appeals/",
                "source": SOURCE,
                "key": summary_key(recipient, day),
            }
            if isinstance(recipient, int):
                rows = notification_send(user_id=recipient, **common)
            else:
                # The department's mailbox is an address, not a person: e-mail only.
                rows = notification_send(email=recipient, channels=[Channel.EMAIL], **common)
            owed_now += bool(rows)
    logger.info("appeal summaries", extra={"day": day.isoformat(), "owed": owed_now})
    return owed_now


@periodic(every=timedelta(days=1))
@task()
def send_appeal_summaries() -> int:
    """Every morning: the summary of yesterday's appeals to the heads and the department,
    owed through the messaging layer.

    A day's slot begins at midnight UTC, after midnight in Kyiv, so yesterday is complete.
    """
    return summaries_send()
