"""Periodic work of the situation centre."""

from datetime import timedelta

from django_tasks import task

from hromada.core.scheduling import periodic
from hromada.situation.dashboard import recurring_problems_refresh


@periodic(every=timedelta(hours=6))
@task()
def refresh_recurring_problems() -> int:
    """The dashboard's recurring problems: places where one category keeps coming back."""
    return recurring_problems_refresh()


@task()
def permit_claim_send(claim_id: int) -> bool:
    from hromada.situation.claims import claim_deliver

    return claim_deliver(claim_id)


@periodic(every=timedelta(hours=1))
@task()
def check_overdue_permits() -> int:
    """Excavation permits past their restore date: overdue, and the two claims go out."""
    from hromada.situation.city_services import permits_check_overdue

    return permits_check_overdue()


@periodic(every=timedelta(hours=6))
@task()
def resend_unsent_claims() -> int:
    """Claims whose sending failed (the mail server was down): try again, a few times."""
    from django.conf import settings
    from django.utils import timezone

    from hromada.situation.models import PermitClaim

    stale = timezone.now() - timedelta(minutes=10)
    pending = PermitClaim.objects.filter(
        sent_at__isnull=True, created_at__lt=stale, attempts__lt=settings.TASK_MAX_ATTEMPTS
    ).values_list("pk", flat=True)[:500]
    for pk in pending:
        permit_claim_send.enqueue(pk)
    return len(pending)


@periodic(every=timedelta(hours=24))
@task()
def recount_yards() -> int:
    """The yard-repair list's appeals per yard."""
    from hromada.situation.city_services import yards_recount

    return yards_recount()
