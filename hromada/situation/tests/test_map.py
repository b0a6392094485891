"""The public map's GeoJSON, the list and one report's page: filters, clusters, and private
reports never shown anywhere public."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory
from hromada.appeals.tests.factories import png
from hromada.situation.tests.factories import CategoryFactory, report, signed_in

pytestmark = pytest.mark.django_db

BOX = "29.9,49.9,30.1,50.1"
API = "/api/v1/situation/reports.geojson"


def features(client=None, **params):
    client = client or Client()
    response = client.get(API, {"bbox": BOX, "zoom": 12, **params})
    assert response.status_code == 200, response.content
    return response.json()


def total(collection) -> int:
    return sum(
        f["properties"]["count"] if f["properties"]["cluster"] else 1
        for f in collection["features"]
    )


def test_private_reports_appear_nowhere_public(centre):
    public = report(subject="Публічна яма", files=[png()])
    private = report(subject="Приватна яма", is_public=False, files=[png()])
    citizen = Client()
    citizen.force_login(UserFactory())
    for client in (Client(), citizen):
        collection = features(client)
        assert [f["id"] for f in collection["features"]] == [public.pk]
        page = client.get("/map/reports/").content.decode()
        assert "Публічна яма" in page and "Приватна яма" not in page
        assert client.get(f"/map/reports/{private.pk}/").status_code == 404
        photo = private.attachments.get()
        assert client.get(f"/map/reports/{private.pk}/photos/{photo.pk}/").status_code == 404
    # The photos of the public one are public; the author's name is not.
    page = Client().get(f"/map/reports/{public.pk}/").content.decode()
    assert public.author_last_name not in page and public.author_email not in page
    photo = public.attachments.get()
    response = Client().get(f"/map/reports/{public.pk}/photos/{photo.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_many_reports_come_as_clusters_and_few_as_points(centre, settings):
    settings.SITUATION_MAP_POINTS_MAX = 3
    lamps = CategoryFactory()
    for index in range(5):
        report(category=lamps, latitude=50.0 + index * 0.01, longitude=30.0)
    collection = features()
    assert collection["clustered"] and total(collection) == 5
    assert all(f["properties"]["cluster"] for f in collection["features"])
    # Deeper in, single reports with their pages.
    close = features(bbox="29.99,49.99,30.01,50.005", zoom=17)
    assert not close["clustered"] and total(close) == 1
    assert close["features"][0]["properties"]["url"].endswith(f"/{close['features'][0]['id']}/")


def test_the_precounted_cells_and_the_live_query_agree(centre, settings):
    settings.SITUATION_MAP_POINTS_MAX = 1
    roads, lamps = CategoryFactory(), CategoryFactory()
    first = report(category=roads, latitude=50.0, longitude=30.0)
    report(category=roads, latitude=50.05, longitude=30.05)
    report(category=lamps, latitude=50.02, longitude=30.02)
    from_cells = features(category=roads.pk)
    # An addressee filter is not kept in the cells: the same answer comes from the facts.
    live = features(category=roads.pk, addressee=first.addressee_id)
    assert total(from_cells) == 2
    assert total(live) == 1
    assert total(features(category=[roads.pk, lamps.pk])) == 3
    assert total(features(status="done")) == 0
    assert total(features(status="new")) == 3


def test_bad_filters_get_precise_errors(centre):
    client = Client()
    for params, field in (
        ({"bbox": "nonsense"}, "bbox"),
        ({"bbox": "30.1,50.1,29.9,49.9"}, "bbox"),
        ({"bbox": BOX, "status": "lost"}, "status"),
        ({"bbox": BOX, "received_from": "yesterday"}, "received_from"),
        (
            {"bbox": BOX, "received_from": "2026-05-02", "received_to": "2026-05-01"},
            "received_from",
        ),
    ):
        response = client.get(API, params)
        assert response.status_code == 422, params
        assert response.json()["error"]["details"]["field"] == field


def test_the_list_filters_and_keeps_them_in_its_links(centre):
    roads, lamps = CategoryFactory(name="Дороги"), CategoryFactory(name="Освітлення")
    report(category=roads, subject="Яма на Шевченка")
    report(category=lamps, subject="Не світить ліхтар")
    page = Client().get(f"/en/map/reports/?category={roads.pk}&sort=support").content.decode()
    assert "Яма на Шевченка" in page and "Не світить ліхтар" not in page
    assert f'href="/en/map/?category={roads.pk}&amp;sort=support"' in page
    page = Client().get("/en/map/reports/?status=lost").content.decode()
    assert "Choose the status from the list." in page


def test_the_list_reads_a_page_in_a_fixed_number_of_queries(centre, django_assert_num_queries):
    report()
    client = Client()
    client.get("/map/reports/")
    with django_assert_num_queries(5) as few:
        client.get("/map/reports/")
    for _ in range(6):
        report()
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/map/reports/")


def test_watchers_see_private_reports_and_other_kinds_in_the_lists(centre):
    report(subject="Приватна яма", is_public=False)
    operator = UserFactory(roles=[Role.OPERATOR])
    page = signed_in(operator).get("/en/map/reports/").content.decode()
    assert "Приватна яма" in page and "private" in page


def test_one_report_shows_its_timeline(centre):
    appeal = report(subject="Яма біля школи")
    page = Client().get(f"/en/map/reports/{appeal.pk}/").content.decode()
    assert "Яма біля школи" in page and "Submitted" in page
    assert "Sign in to support" in page


def test_the_map_page_carries_the_filters_to_its_api_and_list(centre):
    roads = CategoryFactory()
    page = Client().get(f"/en/map/?category={roads.pk}&status=new").content.decode()
    assert 'data-api="/api/v1/situation/reports.geojson"' in page
    assert f'data-query="category={roads.pk}&amp;status=new"' in page
    assert f'href="/en/map/reports/?category={roads.pk}&amp;status=new"' in page


def test_the_map_and_a_report_page_read_a_fixed_number_of_queries(
    centre, django_assert_num_queries
):
    first = report(files=[png()])
    client = Client()
    params = {"bbox": BOX, "zoom": 17}
    client.get(API, params)
    with CaptureQueriesContext(connection) as few:
        client.get(API, params)
    # The points, the categories' names, and the per-address API limit's counter (one upsert).
    queries = [q["sql"] for q in few.captured_queries]
    assert len(queries) == 3, queries
    assert sum("integrations_ratecounter" in sql for sql in queries) == 1, queries
    for _ in range(5):
        report()
    with django_assert_num_queries(len(few.captured_queries)):
        assert total(client.get(API, params).json()) == 6
    client.get(f"/map/reports/{first.pk}/")
    with django_assert_num_queries(3):  # the report with its fact, its timeline, its photos
        client.get(f"/map/reports/{first.pk}/")
