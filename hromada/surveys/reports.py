"""The periodic report of a survey's results, e-mailed to its responsible staff.

Each week (Monday) or month (the 1st), after SURVEY_REPORT_HOUR local time, the last complete
period is reported once: one outbox row per recipient, unique by survey, period and address,
written in one transaction with the sending enqueued, as the queue's outbox does.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from hromada.core.mail import deliver_owed, stable_message_id
from hromada.directory.models import Membership
from hromada.surveys import selectors
from hromada.surveys.models import Report, Response, Survey


def period_of(survey: Survey, now: datetime) -> tuple[datetime, datetime] | None:
    """The last complete week or month before ``now``, in local time; None before the hour."""
    local = timezone.localtime(now)
    today = local.date()
    if survey.report_period == Survey.Period.WEEKLY:
        end_day = today - timedelta(days=today.weekday())
        start_day = end_day - timedelta(days=7)
    elif survey.report_period == Survey.Period.MONTHLY:
        end_day = today.replace(day=1)
        start_day = (end_day - timedelta(days=1)).replace(day=1)
    else:
        return None
    zone = timezone.get_current_timezone()
    end = timezone.make_aware(datetime.combine(end_day, time()), zone)
    if local < end + timedelta(hours=settings.SURVEY_REPORT_HOUR):
        return None
    return timezone.make_aware(datetime.combine(start_day, time()), zone), end


def recipients(survey: Survey) -> list[str]:
    addresses = list(survey.report_addresses())
    if survey.addressee_id:
        addresses += Membership.objects.filter(
            addressee_id=survey.addressee_id, is_responsible=True, user__is_active=True
        ).values_list("user__email", flat=True)
    return sorted({address.lower() for address in addresses if address})


def reports_owe(*, now: datetime | None = None) -> int:
    """Owe this period's reports of every survey that asks for them; return how many."""
    from hromada.surveys.tasks import report_send

    now = now or timezone.now()
    owed = 0
    surveys = Survey.objects.exclude(report_period="").exclude(state=Survey.State.DRAFT)
    for survey in surveys.exclude(state=Survey.State.ARCHIVED):
        period = period_of(survey, now)
        if period is None:
            continue
        start, end = period
        if survey.published_at is None or survey.published_at >= end:
            continue  # nothing to report of a period before the survey opened
        for address in recipients(survey):
            key = f"{survey.pk}:{start.date()}:{end.date()}:{address}"[:200]
            try:
                with transaction.atomic():
                    report = Report.objects.create(
                        key=key,
                        survey=survey,
                        recipient=address,
                        period_start=start,
                        period_end=end,
                    )
                    transaction.on_commit(lambda pk=report.pk: report_send.enqueue(pk))
            except IntegrityError:
                continue  # owed already, by an earlier or a parallel run
            owed += 1
    return owed


def render(report: Report) -> EmailMessage:
    survey = report.survey
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "survey": survey,
            "report": report,
            "period_end": report.period_end - timedelta(seconds=1),
            "new_responses": Response.objects.filter(
                survey=survey,
                submitted_at__gte=report.period_start,
                submitted_at__lt=report.period_end,
            ).count(),
            "results": selectors.survey_results(survey),
            "results_url": settings.SITE_URL + survey.get_results_url(),
            "site_url": settings.SITE_URL,
            "city_name": settings.CITY_NAME,
        }
        subject = render_to_string("surveys/email/report_subject.txt", context)
        body = render_to_string("surveys/email/report.txt", context)
    message = EmailMessage(subject=" ".join(subject.split()), body=body, to=[report.recipient])
    message.extra_headers["Message-ID"] = stable_message_id("survey-report", report.pk)
    return message


def report_deliver(report_id: int) -> bool:
    return deliver_owed(Report, report_id, related=("survey",), render=render)
