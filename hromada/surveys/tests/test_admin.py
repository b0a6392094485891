"""The admin saves a survey's settings through the services, refuses what they refuse, and
its actions publish, close, archive and replace through them too."""

import pytest
from django.urls import reverse

from hromada.core.models import AuditEvent
from hromada.directory.tests.factories import AddresseeFactory
from hromada.surveys.models import Response, Survey
from hromada.surveys.tests.factories import administrator, make_survey

pytestmark = pytest.mark.django_db


def _form(**changes):
    data = {
        "title": "Оцінка прибирання дворів",
        "description": "",
        "results_visibility": "public",
        "report_period": "",
        "report_emails": "",
        "show_on_addressee_page": "on",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_adding_and_changing_a_survey_in_the_admin(client):
    admin = administrator()
    client.force_login(admin)
    assert client.get(reverse("admin:surveys_survey_changelist")).status_code == 200
    addressee = AddresseeFactory()
    added = client.post(reverse("admin:surveys_survey_add"), _form(addressee=addressee.pk))
    assert added.status_code == 302, added.content[:2000]
    survey = Survey.objects.get(title="Оцінка прибирання дворів")
    assert survey.slug == "otsinka-prybyrannia-dvoriv" and survey.created_by == admin
    assert AuditEvent.objects.filter(action="surveys.survey_created").exists()
    url = reverse("admin:surveys_survey_change", args=[survey.pk])
    assert client.get(url).status_code == 200
    wrong = client.post(
        url,
        _form(
            opens_at_0="2026-03-02",
            opens_at_1="10:00",
            closes_at_0="2026-03-01",
            closes_at_1="10:00",
        ),
    )
    assert wrong.status_code == 200 and "must close after it opens" in wrong.text
    assert Survey.objects.get(pk=survey.pk).opens_at is None


def test_admin_actions_go_through_the_services(client):
    admin = administrator()
    survey = make_survey(actor=admin, publish=False)
    client.force_login(admin)
    changelist = reverse("admin:surveys_survey_changelist")
    client.post(changelist, {"action": "publish", "_selected_action": [survey.pk]})
    assert Survey.objects.get(pk=survey.pk).state == Survey.State.PUBLISHED
    client.post(changelist, {"action": "replace", "_selected_action": [survey.pk]})
    assert Survey.objects.filter(replaces=survey).exists()
    assert client.get(reverse("admin:surveys_response_changelist")).status_code == 200
    assert Response.objects.count() == 0
