"""Background work on appeals: deadline reminders, overdue marks and escalation, closing
answered appeals nobody disputed, the summary for heads. Notifications are sent by the
messaging layer's workers (hromada.messaging.tasks)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from hromada.appeals.models import OPEN_STATES, Appeal, Event, State
from hromada.appeals.notifications import (
    addressee_recipients,
    department_recipients,
    head_recipients,
    notify,
)

# The morning summary for heads lives in its own module; importing it registers the job.
from hromada.appeals.summary import send_appeal_summaries  # noqa: F401
from hromada.core.deadlines import KYIV, reminder_dates
from hromada.core.errors import Conflict
from hromada.core.scheduling import periodic
from hromada.situation.facts import fact_sync

logger = logging.getLogger(__name__)
BATCH = 500


def _staff_recipients(appeal: Appeal) -> list[str]:
    emails = addressee_recipients(appeal)
    if appeal.executor_id:
        emails.append(appeal.executor.email)
    return emails + department_recipients(appeal)


@periodic(every=timedelta(hours=1))
@task()
def watch_deadlines() -> dict[str, int]:
    """Remind the executor, the addressee and the appeals department on the reminder days;
    mark appeals whose deadline passed as overdue and escalate them to the addressee's head.

    Each reminder's key holds its day and each overdue mark its own event, so running the job
    again (or twice at once) writes nothing twice.
    """
    now = timezone.now()
    today = now.astimezone(KYIV).date()
    horizon = now + timedelta(days=max(settings.DEADLINE_REMINDER_DAYS, default=0) + 1)
    reminded = overdue = 0

    open_appeals = Appeal.objects.filter(state__in=OPEN_STATES).select_related(
        "executor", "addressee"
    )
    for appeal in open_appeals.filter(due_at__gte=now, due_at__lt=horizon).iterator(
        chunk_size=BATCH
    ):
        if today not in reminder_dates(appeal.due_at):
            continue
        with transaction.atomic():
            if notify(
                appeal=appeal,
                template="reminder",
                recipients=_staff_recipients(appeal),
                key_suffix=f"{today.isoformat()}:{appeal.due_at.isoformat()}",
            ):
                Event.objects.create(
                    appeal=appeal,
                    action=Event.Action.REMINDED,
                    from_state=appeal.state,
                    to_state=appeal.state,
                    is_public=False,
                    payload={"due": appeal.due_at.isoformat()},
                )
                reminded += 1

    for pk in open_appeals.filter(due_at__lt=now, is_overdue=False).values_list("pk", flat=True)[
        : BATCH * 10
    ]:
        with transaction.atomic():
            appeal = (
                Appeal.objects.select_for_update(of=("self",))
                .filter(pk=pk, state__in=OPEN_STATES, is_overdue=False, due_at__lt=now)
                .select_related("addressee", "executor")
                .first()
            )
            if appeal is None:
                continue  # answered or extended meanwhile
            appeal.is_overdue = True
            appeal.save(update_fields=["is_overdue", "updated_at"])
            fact_sync(appeal)
            event = Event.objects.create(
                appeal=appeal,
                action=Event.Action.OVERDUE,
                from_state=appeal.state,
                to_state=appeal.state,
                is_public=False,
                payload={"due": appeal.due_at.isoformat()},
            )
            notify(
                appeal=appeal, template="overdue", recipients=_staff_recipients(appeal), event=event
            )
            heads = head_recipients(appeal)
            if heads:
                escalated = Event.objects.create(
                    appeal=appeal,
                    action=Event.Action.ESCALATED,
                    from_state=appeal.state,
                    to_state=appeal.state,
                    is_public=False,
                    payload={"to": heads},
                )
                notify(appeal=appeal, template="escalated", recipients=heads, event=escalated)
            else:
                # No head with staff and no department mailbox: say so where operators look.
                logger.warning(
                    "overdue appeal with nobody to escalate to", extra={"appeal": appeal.pk}
                )
            overdue += 1
    if reminded or overdue:
        logger.info("deadlines", extra={"reminded": reminded, "overdue": overdue})
    return {"reminded": reminded, "overdue": overdue}


@periodic(every=timedelta(hours=6))
@task()
def close_undisputed_appeals() -> int:
    """An answer nobody disputed within APPEAL_AUTO_CLOSE_DAYS closes the appeal."""
    from hromada.appeals.services import appeal_close

    before = timezone.now() - timedelta(days=settings.APPEAL_AUTO_CLOSE_DAYS)
    closed = 0
    for pk in Appeal.objects.filter(state=State.ANSWERED, answered_at__lt=before).values_list(
        "pk", flat=True
    )[:BATCH]:
        try:
            appeal_close(appeal_id=pk, actor=None)
        except Conflict:
            continue  # disputed meanwhile
        closed += 1
    return closed
