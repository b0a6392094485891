"""schemathesis against /api/v1/openapi.json, through the WSGI application: generated
requests to every operation, as a signed-in resident (a bearer key) and anonymously, find no
server error and no response the document does not describe (status, content type, body).

Bounded: a few examples per operation, so the run stays a small part of the suite.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from ninja.responses import NinjaJSONEncoder
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.api import api
from config.wsgi import application
from hromada.accounts.tests.factories import UserFactory
from hromada.appeals.tests.factories import CategoryFactory, district, submit
from hromada.equeue.tests.factories import make_queue
from hromada.integrations.tests.factories import api_key

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def wsgi_in_the_tests_transaction(db, settings):
    # Generated requests come fast and from one address; the limits have their own tests.
    settings.API_RATE_LIMIT_PER_ADDRESS = 1_000_000
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    # As Django's test client does: the test's connection (and transaction) outlives each
    # request instead of being closed at its end.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _load_schema():
    """The document as /api/v1/openapi.json serves it (built once, at collection)."""
    document = json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = application
    loaded.location = "/api/v1/openapi.json"
    return loaded


@pytest.fixture
def resident_key(db):
    """Something to find: a district, a category, a queue and the resident's own appeal."""
    district("centre")
    CategoryFactory(slug="roads")
    make_queue()
    resident = UserFactory()
    submit(resident)
    _key, plain = api_key(resident, rate_limit=100_000)
    return plain


schema = _load_schema()


@pytest.mark.fuzz
@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_keeps_its_document(case, resident_key):
    case.call_and_validate(checks=CHECKS, headers={"Authorization": f"Bearer {resident_key}"})


@pytest.mark.fuzz
@schema.parametrize()
@settings(
    max_examples=2,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_keeps_its_document_for_anonymous_callers(case):
    case.call_and_validate(checks=CHECKS)
