"""The weekly and monthly report: owed once per period and recipient, after the report hour,
sent once through the outbox, through a real SMTP server on loopback."""

from datetime import datetime

import pytest
import time_machine
from django.core import mail

from hromada.accounts.tests.factories import UserFactory
from hromada.appeals.tests.smtp import SMTPServer
from hromada.core.deadlines import KYIV
from hromada.surveys import services
from hromada.surveys.models import Report
from hromada.surveys.reports import report_deliver, reports_owe
from hromada.surveys.responses import response_submit
from hromada.surveys.tasks import owe_survey_reports
from hromada.surveys.tests.factories import good_answers, make_survey, moderator_of

pytestmark = pytest.mark.django_db

# Monday 9 March 2026 (the week before: 2–8 March); the report hour is 08:00.
MONDAY = datetime(2026, 3, 9, 9, 0, tzinfo=KYIV)


def _survey(period="weekly"):
    with time_machine.travel(datetime(2026, 3, 3, 12, 0, tzinfo=KYIV), tick=False):
        survey = make_survey()
        moderator = moderator_of(survey.addressee)
        services.survey_update(
            moderator,
            survey_id=survey.pk,
            report_period=period,
            report_emails="head@rada.example\nHEAD@rada.example",
        )
        response_submit(UserFactory(), survey_id=survey.pk, answers=good_answers(survey))
    return survey, moderator


def test_weekly_report_is_owed_once_after_the_hour():
    survey, moderator = _survey()
    assert reports_owe(now=MONDAY.replace(hour=7)) == 0
    assert reports_owe(now=MONDAY) == 2
    assert reports_owe(now=MONDAY.replace(hour=10)) == 0  # a later run of the same period
    owed = Report.objects.order_by("recipient")
    assert [r.recipient for r in owed] == sorted(["head@rada.example", moderator.email.lower()])
    assert owed[0].period_start.astimezone(KYIV).date().isoformat() == "2026-03-02"
    report = owed[0]
    assert report_deliver(report.pk) is True
    assert report_deliver(report.pk) is False
    [message] = mail.outbox
    assert survey.title in message.subject
    assert f"/surveys/{survey.slug}/results/" in message.body
    assert message.extra_headers["Message-ID"].startswith(f"<survey-report-{report.pk}@")


def test_monthly_report_waits_for_the_first_of_the_month():
    _survey(period="monthly")
    assert reports_owe(now=MONDAY) == 0
    first = datetime(2026, 4, 1, 9, 0, tzinfo=KYIV)
    assert reports_owe(now=first) == 2
    assert Report.objects.first().period_start.astimezone(KYIV).date().isoformat() == "2026-03-01"


def test_the_report_goes_through_a_real_mail_server(settings):
    _survey()
    with SMTPServer() as smtp:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        owe_survey_reports.call(now=MONDAY)
        for report in Report.objects.all():
            assert report_deliver(report.pk)
        assert len(smtp.messages) == 2
    assert all(report.sent_at for report in Report.objects.all())
