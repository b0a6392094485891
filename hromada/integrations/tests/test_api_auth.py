"""/api/v1 for mobile clients: bearer keys beside the session (which keeps CSRF), the per-key
and per-address limits in the one error shape, and the documentation served offline."""

import json

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from hromada.accounts.tests.factories import UserFactory
from hromada.appeals.models import Appeal, Kind
from hromada.appeals.tests.factories import submit
from hromada.integrations.tests.factories import api_key, open311_key

pytestmark = pytest.mark.django_db


def bearer(plain: str) -> dict:
    return {"Authorization": f"Bearer {plain}"}


def test_a_bearer_key_signs_in_as_its_user(client):
    resident = UserFactory()
    submit(resident)
    submit()  # somebody else's
    _key, plain = api_key(resident)
    response = client.get("/api/v1/appeals/mine", headers=bearer(plain))
    assert response.status_code == 200
    assert len(response.json()["items"]) == 1
    assert client.get("/api/v1/accounts/me", headers=bearer(plain)).json()["email"] == (
        resident.email
    )


def test_a_bearer_key_needs_no_csrf_but_the_session_does(settings):
    resident = UserFactory()
    _key, plain = api_key(resident)
    body = json.dumps(
        {"kind": Kind.APPLICATION, "subject": "Лавка", "text": "Прошу встановити лавку."}
    )
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/api/v1/appeals/", body, content_type="application/json", headers=bearer(plain)
    )
    assert response.status_code == 201, response.content
    strict.force_login(resident)
    refused = strict.post("/api/v1/appeals/", body, content_type="application/json")
    assert refused.status_code in (401, 403)
    assert "error" in refused.json()
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize("header", ["Bearer hrm_nope_nothing", "Bearer ", "Basic abc"])
def test_an_unknown_key_is_not_signed_in(client, header):
    response = client.get("/api/v1/appeals/mine", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_an_open311_key_does_not_sign_in_to_the_json_api(client):
    _key, plain = open311_key()
    assert client.get("/api/v1/appeals/mine", headers=bearer(plain)).status_code == 401


def test_an_inactive_users_key_is_refused(client):
    resident = UserFactory()
    _key, plain = api_key(resident)
    resident.is_active = False
    resident.save()
    assert client.get("/api/v1/appeals/mine", headers=bearer(plain)).status_code == 401


# The limits count per clock minute: each test stays inside one, whenever it runs.
MID_MINUTE = timezone.now().replace(second=20, microsecond=0)


@time_machine.travel(MID_MINUTE, tick=False)
def test_each_key_has_its_own_rate_limit(client):
    resident = UserFactory()
    _slow, slow = api_key(resident, rate_limit=2)
    _fast, fast = api_key(resident, rate_limit=100)
    assert client.get("/api/v1/appeals/mine", headers=bearer(slow)).status_code == 200
    assert client.get("/api/v1/appeals/mine", headers=bearer(slow)).status_code == 200
    refused = client.get("/api/v1/appeals/mine", headers=bearer(slow))
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert client.get("/api/v1/appeals/mine", headers=bearer(fast)).status_code == 200


@time_machine.travel(MID_MINUTE, tick=False)
def test_each_address_has_a_rate_limit(client, settings):
    settings.API_RATE_LIMIT_PER_ADDRESS = 2
    for _ in range(2):
        assert client.get("/api/v1/appeals/kinds").status_code == 200
    refused = client.get("/api/v1/appeals/kinds")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert client.get("/api/v1/appeals/kinds", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_behind_a_proxy_the_forwarded_address_counts(client, settings):
    settings.API_RATE_LIMIT_PER_ADDRESS = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    first = {"HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    assert client.get("/api/v1/appeals/kinds", **first).status_code == 200
    assert client.get("/api/v1/appeals/kinds", **first).status_code == 429
    other = {"HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    assert client.get("/api/v1/appeals/kinds", **other).status_code == 200


def test_the_docs_work_offline(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "cdn" not in body.lower() and "https://" not in body.split("<body")[0]
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_the_openapi_document_names_both_ways_to_sign_in(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    schemes = document["components"]["securitySchemes"]
    assert {"ApiKeyAuth", "SessionAuth"} <= set(schemes)
    assert schemes["ApiKeyAuth"]["scheme"] == "bearer"


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_address_no_operation_answers_gets_the_json_404(method):
    strict = Client(enforce_csrf_checks=True)
    for path in ("/api/v1/appeals/not-a-number", "/api/v1/nothing/here"):
        response = getattr(strict, method)(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_every_operation_documents_the_error_shape(client):
    document = client.get("/api/v1/openapi.json").json()
    assert "Error" in document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert {"404", "422", "429"} <= set(operation["responses"]), (method, path)
