"""Background work of surveys: the weekly and monthly reports, and resending failed ones."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from hromada.core.scheduling import periodic
from hromada.surveys.models import Report
from hromada.surveys.reports import report_deliver, reports_owe

BATCH = 500


@task()
def report_send(report_id: int) -> bool:
    return report_deliver(report_id)


@periodic(every=timedelta(hours=1))
@task()
def owe_survey_reports(now: datetime | None = None) -> int:
    """Hourly: a run after the report hour of a Monday or a 1st owes the period's reports;
    the outbox's unique keys make every later run of the period a no-op."""
    return reports_owe(now=now)


@periodic(every=timedelta(minutes=10))
@task()
def resend_unsent_survey_reports() -> int:
    stale = timezone.now() - timedelta(minutes=10)
    pending = Report.objects.filter(
        sent_at__isnull=True, created_at__lt=stale, attempts__lt=settings.TASK_MAX_ATTEMPTS
    ).values_list("pk", flat=True)[:BATCH]
    for pk in pending:
        report_send.enqueue(pk)
    return len(pending)
