"""The surveys' API: list, fetch, answer, results; precise errors in the common shape; the
four users for each action."""

import json

import pytest
from django.test import Client

from hromada.accounts.tests.factories import UserFactory
from hromada.directory.tests.factories import AddresseeFactory
from hromada.surveys.models import Response, Survey
from hromada.surveys.tests.factories import good_answers, make_survey, moderator_of, q

pytestmark = pytest.mark.django_db


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def _answers(survey):
    return {"answers": good_answers(survey)}


@pytest.fixture
def survey():
    return make_survey()


@pytest.fixture
def clients(survey):
    made = {
        "anonymous": Client(),
        "citizen": Client(),
        "other_staff": Client(),
        "moderator": Client(),
    }
    made["citizen"].force_login(UserFactory())
    made["other_staff"].force_login(moderator_of(AddresseeFactory()))
    made["moderator"].force_login(moderator_of(survey.addressee))
    return made


def test_list_and_fetch_are_public(survey, clients):
    draft = make_survey(publish=False, title="Чернетка")
    for client in clients.values():
        slugs = [s["slug"] for s in client.get("/api/v1/surveys/").json()["items"]]
        assert survey.slug in slugs and "quality" in slugs and draft.slug not in slugs
        detail = client.get(f"/api/v1/surveys/{survey.slug}").json()
        assert [question["kind"] for question in detail["questions"]][:2] == ["rating", "single"]
        assert len(detail["questions"][0]["options"]) == 5
    assert clients["anonymous"].get(f"/api/v1/surveys/{draft.slug}").status_code == 404
    assert clients["citizen"].get(f"/api/v1/surveys/{draft.slug}").status_code == 404
    assert clients["other_staff"].get(f"/api/v1/surveys/{draft.slug}").status_code == 404
    archive = clients["anonymous"].get("/api/v1/surveys/?state=archive").json()
    assert archive == {"items": [], "next_cursor": None, "has_more": False}
    first = clients["anonymous"].get("/api/v1/surveys/?limit=1").json()
    assert len(first["items"]) == 1 and first["has_more"]
    rest = clients["anonymous"].get(f"/api/v1/surveys/?limit=1&cursor={first['next_cursor']}")
    assert first["items"][0]["slug"] not in [s["slug"] for s in rest.json()["items"]]


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("citizen", 201), ("other_staff", 201), ("moderator", 201)],
)
def test_answering(survey, clients, who, status):
    answered = post(clients[who], f"/api/v1/surveys/{survey.slug}/responses", _answers(survey))
    assert answered.status_code == status, answered.content
    assert Response.objects.count() == (1 if status == 201 else 0)
    if status == 401:
        assert answered.json()["error"]["code"] == "not_authenticated"
        assert Survey.objects.get(pk=survey.pk).response_count == 0


def test_precise_errors_and_nothing_stored(survey, clients):
    client = clients["citizen"]
    url = f"/api/v1/surveys/{survey.slug}/responses"
    body = _answers(survey)
    body["answers"][q(survey, "single").key] = q(survey, "multiple").options.first().pk
    wrong = post(client, url, body)
    assert wrong.status_code == 422
    error = wrong.json()["error"]
    assert error["code"] == "foreign_option"
    assert error["details"]["field"] == q(survey, "single").key
    body = _answers(survey)
    del body["answers"][q(survey, "rating").key]
    missing = post(client, url, body)
    assert missing.json()["error"]["code"] == "required"
    assert Response.objects.count() == 0
    assert post(client, url, _answers(survey)).status_code == 201
    again = post(client, url, _answers(survey))
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_answered"
    assert Response.objects.count() == 1
    extra = post(client, url, {**_answers(survey), "who": "bot"})
    assert extra.status_code == 422


def test_results_carry_the_counts(survey, clients):
    post(clients["citizen"], f"/api/v1/surveys/{survey.slug}/responses", _answers(survey))
    results = clients["anonymous"].get(f"/api/v1/surveys/{survey.slug}/results").json()
    assert results["response_count"] == 1
    rating = results["questions"][0]
    assert rating["average"] == 5.0 and rating["shares"][4] == {
        "label": "5",
        "count": 1,
        "percent": 100.0,
    }


def test_the_openapi_document_lists_every_surveys_endpoint(client):
    document = client.get("/api/v1/openapi.json").json()
    found = {
        (method, path)
        for path, operations in document["paths"].items()
        if path.startswith("/api/v1/surveys/")
        for method in operations
    }
    assert found == {
        ("get", "/api/v1/surveys/"),
        ("get", "/api/v1/surveys/{slug}"),
        ("post", "/api/v1/surveys/{slug}/responses"),
        ("get", "/api/v1/surveys/{slug}/results"),
        ("get", "/api/v1/surveys/{slug}/challenge"),
    }
    answer = document["paths"]["/api/v1/surveys/{slug}/responses"]["post"]
    assert "409" in answer["responses"] and "422" in answer["responses"]
