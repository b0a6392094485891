"""Discovery, services, service definitions and the public requests, in both formats, checked
against the standard's field lists and XML shapes."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hromada.accounts.tests.factories import UserFactory
from hromada.appeals.models import Appeal, Kind
from hromada.appeals.services import appeal_submit
from hromada.appeals.tests.factories import INSIDE
from hromada.open311.records import REQUEST_FIELDS
from hromada.open311.tests.support import ATTRIBUTE_FIELDS, SERVICE_FIELDS, xml, xml_items

pytestmark = pytest.mark.django_db


_emails = iter(range(1_000_000))


def _unique_email() -> str:
    return f"secret.person{next(_emails)}@example.com"


def report(category, *, public=True, author=None, **fields) -> Appeal:
    author = author or UserFactory(last_name="Секретенко", email=_unique_email())
    return appeal_submit(
        actor=author,
        kind=Kind.PROBLEM_REPORT,
        subject="Яма",
        text=fields.pop("text", "Глибока яма біля школи"),
        category=category,
        is_public=public,
        location_text="вул. Шкільна, 3",
        **INSIDE,
        **fields,
    )


def test_discovery_names_the_endpoint_in_both_formats(client):
    data = client.get("/open311/v2/discovery.json").json()
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    document = xml(client.get("/open311/v2/discovery.xml"))
    assert document.tag == "discovery"
    formats = document.findall("./endpoints/endpoint/formats/format")
    assert [f.text for f in formats] == ["text/xml", "application/json"]


def test_services_are_the_problem_report_categories(client, city):
    services = client.get("/open311/v2/services.json").json()
    assert [s["service_code"] for s in services] == ["roads", "lighting"]
    assert all(tuple(s) == SERVICE_FIELDS for s in services)
    roads = services[0]
    assert roads["metadata"] is True and roads["type"] == "realtime"
    assert services[1]["metadata"] is False
    items = xml_items(client.get("/open311/v2/services.xml"), "services", "service")
    assert [i["service_code"] for i in items] == ["roads", "lighting"]
    assert tuple(items[0]) == SERVICE_FIELDS
    assert items[0]["metadata"] == "true" and items[1]["metadata"] == "false"


def test_service_definition_lists_attributes(client, city):
    data = client.get("/open311/v2/services/roads.json").json()
    assert data["service_code"] == "roads"
    assert [a["code"] for a in data["attributes"]] == ["size", "kinds", "depth"]
    assert all(tuple(a) == ATTRIBUTE_FIELDS for a in data["attributes"])
    assert data["attributes"][0]["values"] == [
        {"key": "small", "name": "Невелика"},
        {"key": "large", "name": "Велика"},
    ]
    document = xml(client.get("/open311/v2/services/roads.xml"))
    assert document.tag == "service_definition"
    assert document.findtext("service_code") == "roads"
    first = document.find("./attributes/attribute")
    assert first.findtext("datatype") == "singlevaluelist"
    assert first.findtext("required") == "true"
    assert [v.findtext("key") for v in first.findall("./values/value")] == ["small", "large"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404_in_the_standards_shape(client, city, fmt):
    response = client.get(f"/open311/v2/services/nope.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        assert response.json() == [{"code": 404, "description": "No service with this code."}]
    else:
        errors = xml_items(response, "errors", "error")
        assert errors == [{"code": "404", "description": "No service with this code."}]
    # Nor is a category that is not for problem reports a service.
    assert client.get(f"/open311/v2/services/letters.{fmt}").status_code == 404


def test_requests_show_public_reports_without_personal_data(client, city):
    public = report(city["roads"])
    report(city["roads"], public=False, text="Приватне повідомлення")
    appeal_submit(
        actor=None,
        kind=Kind.CORRUPTION_REPORT,
        subject="Хабар",
        text="Корупційне повідомлення",
        is_anonymous=True,
    )
    response = client.get("/open311/v2/requests.json")
    records = response.json()
    assert [r["service_request_id"] for r in records] == [str(public.pk)]
    record = records[0]
    assert tuple(record) == REQUEST_FIELDS
    assert record["status"] == "open"
    assert record["service_code"] == "roads" and record["service_name"] == "Дороги"
    assert record["agency_responsible"] == "Управління ЖКГ"
    assert record["lat"] == 50.0 and record["long"] == 30.0
    assert record["address"] == "вул. Шкільна, 3"
    assert record["expected_datetime"] == public.due_at.astimezone(
        timezone.get_default_timezone()
    ).isoformat(timespec="seconds") or record["expected_datetime"].startswith(
        timezone.localtime(public.due_at).strftime("%Y-%m-%d")
    )
    assert record["requested_datetime"][-6:] in ("+02:00", "+03:00")
    body = response.content.decode()
    assert "Секретенко" not in body and "secret.person" not in body
    assert "Приватне" not in body and "Корупційне" not in body
    xml_body = client.get("/open311/v2/requests.xml")
    items = xml_items(xml_body, "service_requests", "request")
    assert [i["service_request_id"] for i in items] == [str(public.pk)]
    assert tuple(items[0]) == REQUEST_FIELDS
    assert "Секретенко" not in xml_body.content.decode()


def test_one_request_is_a_list_of_one_and_private_ones_are_404(client, city):
    public = report(city["roads"])
    private = report(city["roads"], public=False)
    data = client.get(f"/open311/v2/requests/{public.pk}.json").json()
    assert isinstance(data, list) and len(data) == 1
    assert data[0]["service_request_id"] == str(public.pk)
    items = xml_items(
        client.get(f"/open311/v2/requests/{public.pk}.xml"), "service_requests", "request"
    )
    assert len(items) == 1
    for missing in (private.pk, 999999, "abc"):
        response = client.get(f"/open311/v2/requests/{missing}.json")
        assert response.status_code == 404
        assert response.json()[0]["code"] == 404


def test_status_maps_to_open_and_closed_with_notes(client, city):
    operator = UserFactory(roles=["operator"])
    open_one = report(city["roads"])
    closed_one = report(city["roads"])
    from hromada.appeals.services import appeal_not_consider

    appeal_not_consider(appeal_id=closed_one.pk, actor=operator, reason="repeated")
    by_status = {
        status: [
            r["service_request_id"]
            for r in client.get("/open311/v2/requests.json", {"status": status}).json()
        ]
        for status in ("open", "closed", "open,closed")
    }
    assert by_status["open"] == [str(open_one.pk)]
    assert by_status["closed"] == [str(closed_one.pk)]
    assert set(by_status["open,closed"]) == {str(open_one.pk), str(closed_one.pk)}
    record = client.get(f"/open311/v2/requests/{closed_one.pk}.json").json()[0]
    assert record["status"] == "closed"
    assert record["status_notes"] == "Not to be considered"


def test_filters_by_service_ids_and_dates(client, city):
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=10), tick=False):
        old_road = report(city["roads"])
    road = report(city["roads"])
    light = report(city["lighting"])

    def ids(**params):
        response = client.get("/open311/v2/requests.json", params)
        assert response.status_code == 200, response.content
        return [r["service_request_id"] for r in response.json()]

    assert ids(service_code="roads") == [str(road.pk), str(old_road.pk)]
    assert ids(service_code="lighting,roads") == [str(light.pk), str(road.pk), str(old_road.pk)]
    start = (now - timedelta(days=2)).isoformat()
    assert ids(start_date=start) == [str(light.pk), str(road.pk)]
    assert ids(end_date=(now - timedelta(days=5)).isoformat()) == [str(old_road.pk)]
    # A list of ids overrides every other filter.
    assert ids(service_request_id=f"{old_road.pk},{light.pk}", service_code="roads") == [
        str(light.pk),
        str(old_road.pk),
    ]
    # Empty parameters count as absent.
    assert ids(service_code="", status="", start_date="") == [
        str(light.pk),
        str(road.pk),
        str(old_road.pk),
    ]


def test_default_volume_is_the_last_90_days(client, city):
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=91), tick=False):
        report(city["roads"])
    recent = report(city["roads"])
    assert [r["service_request_id"] for r in client.get("/open311/v2/requests.json").json()] == [
        str(recent.pk)
    ]


def test_pages(client, city):
    made = [report(city["roads"]) for _ in range(5)]
    newest_first = [str(a.pk) for a in reversed(made)]
    pages = [
        [
            r["service_request_id"]
            for r in client.get("/open311/v2/requests.json", {"page": page, "page_size": 2}).json()
        ]
        for page in (1, 2, 3)
    ]
    assert pages == [newest_first[:2], newest_first[2:4], newest_first[4:]]


@pytest.mark.parametrize(
    "params, message",
    [
        (
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-02T00:00:00Z"},
            "start_date and end_date may span at most 90 days.",
        ),
        ({"start_date": "yesterday"}, "start_date is not an ISO 8601 date and time."),
        ({"end_date": "2026-13-01T00:00:00Z"}, "end_date is not an ISO 8601 date and time."),
        (
            {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
            "end_date is before start_date.",
        ),
        ({"status": "pending"}, "status is open or closed."),
        ({"page_size": "1001"}, "page_size is a whole number from 1 to 1000."),
        ({"page": "0"}, "page is a whole number from 1 to 1000000."),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_parameters_are_400(client, city, params, message, fmt):
    response = client.get(f"/open311/v2/requests.{fmt}", params)
    assert response.status_code == 400
    if fmt == "json":
        assert response.json() == [{"code": 400, "description": message}]
    else:
        assert xml_items(response, "errors", "error") == [{"code": "400", "description": message}]


def test_unknown_service_code_filter_jurisdiction_and_token_are_404(client, city):
    assert client.get("/open311/v2/requests.json", {"service_code": "nope"}).status_code == 404
    response = client.get("/open311/v2/services.xml", {"jurisdiction_id": "elsewhere.gov"})
    assert response.status_code == 404
    assert xml(response).tag == "errors"
    ok = client.get("/open311/v2/services.json", {"jurisdiction_id": "novoiarsk.gov.ua"})
    assert ok.status_code == 200
    assert client.get("/open311/v2/tokens/nope.json").status_code == 404
    assert client.get("/open311/v2/nothing-here.json").status_code == 404


def test_requests_list_has_no_n_plus_one(client, city):
    for _ in range(3):
        report(city["roads"])
    with CaptureQueriesContext(connection) as few:
        client.get("/open311/v2/requests.json")
    for _ in range(6):
        report(city["lighting"])
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/open311/v2/requests.json").json()) == 9
    # The records and the services asked for, and the per-address limit's counter: one upsert.
    assert len(many.captured_queries) == len(few.captured_queries) <= 5
    limiter = [q for q in many.captured_queries if "integrations_ratecounter" in q["sql"]]
    assert len(limiter) == 1


def test_the_service_list_and_a_definition_have_no_n_plus_one(client, city):
    from hromada.appeals.tests.factories import CategoryFactory

    with CaptureQueriesContext(connection) as few:
        client.get("/open311/v2/services.json")
        client.get("/open311/v2/services/roads.json")
    for n in range(5):
        CategoryFactory(slug=f"extra-{n}")
    from hromada.open311.models import Datatype, ServiceAttribute

    for n in range(4):
        ServiceAttribute.objects.create(
            category=city["roads"], code=f"q{n}", description="?", datatype=Datatype.TEXT
        )
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/open311/v2/services.json").json()) == 7
        assert len(client.get("/open311/v2/services/roads.json").json()["attributes"]) == 7
    assert len(many.captured_queries) == len(few.captured_queries)
