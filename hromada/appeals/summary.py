"""The morning summary for heads: what came in, what was answered on time, what is overdue now
(by number) and how residents rated the answers.

Heads are the responsible staff of an addressee that has units or officials under it; each
gets the figures for that addressee and everything under it. The appeals department's mailbox
(APPEALS_DEPARTMENT_EMAIL) gets the whole council's. Reports of possible corruption are never
counted: even their existence is confidential.

The job runs once a day (hromada.core.scheduling claims one run per slot however many workers
there are). Each e-mail sent is recorded in the audit log as ``appeals.summary_sent`` with its
recipient and day, so a retried run (a worker that died half-way) mails only those still
waiting; the Message-ID is the same for a (recipient, day), so a mail client shows even a
resend as one message.
"""

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Avg, Count, F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from hromada.appeals.models import OPEN_STATES, Appeal, Kind, Rating
from hromada.appeals.selectors import day_start
from hromada.core.audit import audit_event_record
from hromada.core.deadlines import KYIV, ONE_DAY
from hromada.core.models import AuditEvent
from hromada.core.scheduling import periodic
from hromada.directory.models import Addressee, Membership

logger = logging.getLogger(__name__)

SENT = "appeals.summary_sent"
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


def _heads() -> dict[str, list[int]]:
    """E-mail -> the addressees (with units under them) its owner is responsible for."""
    _addressees, below = _subtrees()
    heads: dict[str, list[int]] = defaultdict(list)
    memberships = Membership.objects.filter(
        is_responsible=True, user__is_active=True, addressee_id__in=below
    ).order_by("addressee__order", "addressee_id")
    for email, addressee_id in memberships.values_list("user__email", "addressee_id"):
        heads[email.strip().lower()].append(addressee_id)
    return heads


def _message(recipient: str, sections: list[Section], *, day: date) -> EmailMessage:
    context = {
        "sections": sections,
        "day": day,
        "week_from": day - timedelta(days=WEEK_DAYS - 1),
        "site_url": settings.SITE_URL.rstrip("/"),
        "city_name": settings.CITY_NAME,
    }
    subject = render_to_string("appeals/email/summary_subject.txt", context)
    body = render_to_string("appeals/email/summary.txt", context)
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
    # The same id for a (recipient, day): a resend shows as one message.
    key = hashlib.sha256(recipient.encode()).hexdigest()[:20]
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[recipient],
        headers={"Message-ID": f"<appeal-summary-{day.isoformat()}-{key}@{domain}>"},
    )


def summaries_build(*, today: date, now: datetime) -> dict[str, list[Section]]:
    """Recipient -> the sections of their summary of ``today``'s yesterday (empty ones left
    out; nobody is mailed to say nothing happened)."""
    day = today - ONE_DAY
    addressees, below = _subtrees()
    owed: dict[str, list[Section]] = {}
    department = (settings.APPEALS_DEPARTMENT_EMAIL or "").strip().lower()
    if department:
        section = _summarise(Appeal.objects.all(), title=settings.CITY_NAME, day=day, now=now)
        if not section.is_empty:
            owed[department] = [section]
    for email, addressee_ids in _heads().items():
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
            owed.setdefault(email, []).extend(sections)
    return owed


def _already_sent(day: date, recipients: Iterable[str]) -> set[str]:
    records = AuditEvent.objects.filter(action=SENT, payload__day=day.isoformat())
    return set(records.values_list("payload__to", flat=True)) & set(recipients)


def summaries_send(*, today: date | None = None) -> int:
    """E-mail every head the summary of yesterday (Kyiv); return how many e-mails were sent."""
    now = timezone.now()
    today = today or now.astimezone(KYIV).date()
    day = today - ONE_DAY
    with translation.override(settings.LANGUAGE_CODE):
        owed = summaries_build(today=today, now=now)
        waiting = sorted(set(owed) - _already_sent(day, owed))
        if not waiting:
            return 0
        sent, failed = 0, []
        # One connection for the whole batch: an SMTP session per message would be slow.
        with get_connection() as connection:
            for recipient in waiting:
                try:
                    connection.send_messages([_message(recipient, owed[recipient], day=day)])
                except Exception:
                    # One refused address must not keep the summary from the other heads.
                    logger.exception("appeal summary not sent", extra={"to": recipient})
                    failed.append(recipient)
                    continue
                audit_event_record(actor=None, action=SENT, to=recipient, day=day.isoformat())
                sent += 1
    logger.info("appeal summaries", extra={"day": day.isoformat(), "sent": sent})
    if failed:
        # The failure shows in the task's record; running it again (or summaries_send for
        # that day) mails only those still waiting.
        raise RuntimeError(f"{len(failed)} appeal summaries could not be sent.")
    return sent


@periodic(every=timedelta(days=1))
@task()
def send_appeal_summaries() -> int:
    """Every morning: the summary of yesterday's appeals to the heads and the department.

    A day's slot begins at midnight UTC, after midnight in Kyiv, so yesterday is complete.
    """
    return summaries_send()
