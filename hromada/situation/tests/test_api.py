"""The situation centre's API: documented, and every public path answers without a server
error, refusing bad input in the shared error shape."""

import pytest
from django.test import Client

from hromada.situation.services import address_upsert
from hromada.situation.tests.factories import INSIDE, CategoryFactory, address, report

pytestmark = pytest.mark.django_db
API = "/api/v1/situation/"


def test_the_openapi_document_lists_every_situation_endpoint():
    document = Client().get("/api/v1/openapi.json").json()
    operations = {
        (method, path)
        for path, methods in document["paths"].items()
        if path.startswith(API)
        for method in methods
    }
    assert operations == {
        ("get", API + "reports.geojson"),
        ("get", API + "reports/nearby"),
        ("get", API + "addresses"),
        ("post", API + "reports/{report_id}/support"),
        ("delete", API + "reports/{report_id}/support"),
        ("get", API + "layers/{slug}.geojson"),
        ("get", API + "works.geojson"),
    }


def test_public_paths_answer_and_refuse_in_the_shared_shape(centre):
    report(category=CategoryFactory())
    address(street="вул. Соборна", house="1")
    address_upsert(street="вул. Соборна", house="3", latitude=50.0, longitude=30.0, code="S-3")
    client = Client()
    found = client.get(API + "addresses", {"q": "соборна"}).json()
    assert [(a["label"], a["code"]) for a in found] == [
        ("вул. Соборна, 1", ""),
        ("вул. Соборна, 3", "S-3"),
    ]
    assert client.get(API + "addresses", {"q": ""}).json() == []
    assert client.get(API + "works.geojson").json()["features"] == []
    missing = client.get(API + "layers/nothing.geojson")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = client.get(API + "reports/nearby", {"latitude": 95, "longitude": 30, "category": 1})
    assert wrong.status_code == 422 and wrong.json()["error"]["details"]["field"] == "latitude"
    typed = client.get(API + "reports/nearby", {**INSIDE, "category": "lamps"})
    assert typed.status_code == 422 and typed.json()["error"]["code"] == "validation_failed"
    box = client.get(API + "works.geojson", {"bbox": "1,2"})
    assert box.status_code == 422 and box.json()["error"]["details"]["field"] == "bbox"
    for path in ("reports/1/support",):
        assert client.post(API + path).status_code == 401
