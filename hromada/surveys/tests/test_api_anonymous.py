"""Anonymous answers through /api/v1/surveys/: only for surveys that allow them, with the
signed check question from `…/challenge`, under the page's per-address limit."""

import json
import re

import pytest
from django.core import signing
from django.test import Client

from hromada.surveys import limits
from hromada.surveys.models import Response, Survey
from hromada.surveys.tests.factories import good_answers, make_survey

pytestmark = pytest.mark.django_db


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def solved(client, slug) -> dict:
    got = client.get(f"/api/v1/surveys/{slug}/challenge")
    assert got.status_code == 200, got.content
    challenge = got.json()
    first, second = map(int, re.findall(r"\d", challenge["question"]))
    return {"challenge_token": challenge["token"], "challenge": str(first + second)}


def test_an_anonymous_answer_with_the_solved_question():
    survey = make_survey(allow_anonymous=True)
    client = Client()
    url = f"/api/v1/surveys/{survey.slug}/responses"
    check = solved(client, survey.slug)
    made = post(client, url, {"answers": good_answers(survey), **check})
    assert made.status_code == 201, made.content
    assert made.json()["appeal"] is None
    assert Response.objects.get().respondent is None
    assert Survey.objects.get(pk=survey.pk).response_count == 1


def test_a_wrong_missing_or_forged_answer_stores_nothing():
    survey = make_survey(allow_anonymous=True)
    client = Client()
    url = f"/api/v1/surveys/{survey.slug}/responses"
    check = solved(client, survey.slug)
    wrong = {**check, "challenge": str(int(check["challenge"]) + 1)}
    forged = {
        "challenge_token": signing.dumps({"sum": 2, "nonce": "x"}, salt="another"),
        "challenge": "2",
    }
    tries = ((wrong, "challenge_failed"), ({}, "challenge_expired"), (forged, "challenge_expired"))
    for extra, code in tries:
        refused = post(client, url, {"answers": good_answers(survey), **extra})
        assert refused.status_code == 422
        assert refused.json()["error"]["code"] == code
        assert refused.json()["error"]["details"]["field"] == "challenge"
    assert Response.objects.count() == 0


def test_surveys_without_anonymous_answers_refuse_them():
    survey = make_survey()
    client = Client()
    assert client.get(f"/api/v1/surveys/{survey.slug}/challenge").status_code == 401
    _question, token = limits.challenge_new()
    answer = signing.loads(token, salt=limits.SALT)["sum"]
    check = {"challenge_token": token, "challenge": str(answer)}
    refused = post(
        client,
        f"/api/v1/surveys/{survey.slug}/responses",
        {"answers": good_answers(survey), **check},
    )
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "not_authenticated"
    complaint = Survey.objects.get(builtin="complaint", state="published")
    assert client.get(f"/api/v1/surveys/{complaint.slug}/challenge").status_code == 401
    assert Response.objects.count() == 0


def test_the_page_and_the_api_share_the_limit_per_address(settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "survey_answer_anonymous": "2/h/ip",
    }
    survey = make_survey(allow_anonymous=True)
    client = Client()
    page = client.get(survey.get_absolute_url()).text
    token = re.search(r'name="challenge_token" value="([^"]+)"', page).group(1)
    total = sum(int(n) for n in re.search(r"(\d) (?:plus|плюс) (\d)", page).groups())
    rating = survey.questions.get(kind="rating")
    sent = client.post(
        survey.get_absolute_url(), {rating.key: "5", "challenge_token": token, "challenge": total}
    )
    assert sent.status_code == 302
    url = f"/api/v1/surveys/{survey.slug}/responses"
    statuses = [
        post(client, url, {"answers": good_answers(survey), **solved(client, survey.slug)})
        for _n in range(2)
    ]
    assert [s.status_code for s in statuses] == [201, 429]
    assert statuses[1].json()["error"]["code"] == "too_many_requests"
    assert Response.objects.count() == 2


def test_a_session_cookie_still_needs_the_csrf_token():
    """A request with the site's session cookie is a browser's: it keeps the CSRF check, so
    another site cannot post an "anonymous" answer through a visitor's browser."""
    survey = make_survey(allow_anonymous=True)
    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = "whatever"
    check = solved(client, survey.slug)
    refused = post(
        client,
        f"/api/v1/surveys/{survey.slug}/responses",
        {"answers": good_answers(survey), **check},
    )
    assert refused.status_code in (401, 403)
    assert Response.objects.count() == 0
