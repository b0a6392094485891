"""The admin's geometry fields come as the GeoJSON textarea (which works without JavaScript)
marked for the map widget, with Leaflet and the widget's script in the page."""

import json

import pytest
from django.test import Client

from hromada.accounts.tests.factories import UserFactory
from hromada.situation.models import Work

pytestmark = pytest.mark.django_db
LINE = {"type": "LineString", "coordinates": [[30.0, 50.0], [30.01, 50.01]]}


def test_the_geometry_field_is_a_textarea_with_the_map_widget(settings):
    settings.STAFF_MFA_REQUIRED = False
    work = Work.objects.create(
        title="Ремонт",
        contractor="ТОВ",
        starts_on="2026-12-01",
        ends_on="2026-12-02",
        geometry=LINE,
        min_lat=50.0,
        max_lat=50.01,
        min_lon=30.0,
        max_lon=30.01,
    )
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    html = client.get(f"/admin/situation/work/{work.pk}/change/").content.decode()
    assert 'name="geometry"' in html and "data-geometry-map" in html
    assert "situation/geometry-widget.js" in html and "vendor/leaflet/leaflet.js" in html
    area = html.split('name="geometry"')[1].split(">", 1)[1].split("</textarea>")[0]
    assert json.loads(area.replace("&quot;", '"')) == LINE
    new = client.get("/admin/situation/work/add/").content.decode()
    assert "null</textarea>" not in new
