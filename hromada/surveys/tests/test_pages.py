"""The resident's pages: answering through HTTP, the results with charts and table, the archive,
the challenge for anonymous surveys, and the offer on a served ticket."""

import re

import pytest
from django.urls import reverse

from hromada.accounts.tests.factories import UserFactory
from hromada.surveys import limits
from hromada.surveys.models import Response, Survey
from hromada.surveys.tests.factories import good_answers, make_survey, q

pytestmark = pytest.mark.django_db


def _post_data(survey):
    data = {}
    for key, value in good_answers(survey).items():
        data[key] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def test_a_resident_answers_and_sees_the_results(client):
    survey = make_survey()
    client.force_login(UserFactory())
    page = client.get(survey.get_absolute_url())
    assert page.status_code == 200
    assert "Оцініть обслуговування" in page.text
    answered = client.post(survey.get_absolute_url(), _post_data(survey), follow=True)
    assert answered.redirect_chain[-1][0] == survey.get_results_url()
    assert Response.objects.filter(survey=survey).count() == 1
    results = answered.text
    assert "<svg" in results and 'role="img"' in results
    assert '<table class="data-table">' in results
    assert "100.0%" in results


def test_a_second_answer_gets_a_clean_message(client):
    survey = make_survey()
    client.force_login(UserFactory())
    client.post(survey.get_absolute_url(), _post_data(survey))
    again = client.post(survey.get_absolute_url(), _post_data(survey))
    assert again.status_code == 200
    assert "already answered" in again.text or "вже відповіли" in again.text
    assert Response.objects.count() == 1


def test_a_required_question_left_empty_is_shown_beside_it(client):
    survey = make_survey()
    client.force_login(UserFactory())
    data = _post_data(survey)
    del data[q(survey, "rating").key]
    page = client.post(survey.get_absolute_url(), data)
    assert page.status_code == 422
    assert f'id="{q(survey, "rating").key}-error"' in page.text
    assert Response.objects.count() == 0


def test_anonymous_survey_asks_the_check_question(client):
    survey = make_survey(allow_anonymous=True)
    page = client.get(survey.get_absolute_url())
    match = re.search(r"(\d) plus (\d)|(\d) плюс (\d)", page.text)
    token = re.search(r'name="challenge_token" value="([^"]+)"', page.text).group(1)
    assert match and token
    numbers = [int(n) for n in match.groups() if n]
    wrong = client.post(
        survey.get_absolute_url(),
        {**_post_data(survey), "challenge_token": token, "challenge": str(sum(numbers) + 1)},
    )
    assert wrong.status_code == 422 and Response.objects.count() == 0
    right = client.post(
        survey.get_absolute_url(),
        {**_post_data(survey), "challenge_token": token, "challenge": str(sum(numbers))},
    )
    assert right.status_code == 302
    assert Response.objects.filter(respondent=None).count() == 1


def test_anonymous_answers_are_rate_limited(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "survey_answer_anonymous": "2/h/ip",
    }
    survey = make_survey(allow_anonymous=True)
    _question, token = limits.challenge_new()
    statuses = []
    for _n in range(3):
        page = client.get(survey.get_absolute_url())
        token = re.search(r'name="challenge_token" value="([^"]+)"', page.text).group(1)
        total = sum(int(n) for n in re.search(r"(\d) (?:plus|плюс) (\d)", page.text).groups())
        data = {**_post_data(survey), "challenge_token": token, "challenge": str(total)}
        statuses.append(client.post(survey.get_absolute_url(), data).status_code)
    assert statuses == [302, 302, 429]
    assert Response.objects.count() == 2


def test_archive_lists_replaced_surveys_with_their_results(client):
    from hromada.surveys import services
    from hromada.surveys.responses import response_submit
    from hromada.surveys.tests.factories import administrator

    admin = administrator()
    old = make_survey(actor=admin)
    response_submit(UserFactory(), survey_id=old.pk, answers=good_answers(old))
    new = services.survey_replace(admin, survey_id=old.pk)
    services.survey_publish(admin, survey_id=new.pk)
    old.refresh_from_db()
    assert old.state == Survey.State.ARCHIVED and old.response_count == 1
    archive = client.get(reverse("surveys:archive"))
    assert old.title in archive.text and old.get_results_url() in archive.text
    results = client.get(old.get_results_url())
    assert results.status_code == 200
    assert "1 response in total" in results.text


def test_centre_shows_the_built_in_forms(client):
    page = client.get(reverse("surveys:centre"))
    assert page.status_code == 200
    for slug in ("complaint", "proposal", "quality"):
        assert reverse("surveys:survey", kwargs={"slug": slug}) in page.text
