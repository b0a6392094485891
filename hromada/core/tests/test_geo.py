import pytest
from django.core.management import call_command

from hromada.core.errors import ValidationFailed
from hromada.core.models import AuditEvent, District
from hromada.core.selectors import district_for_point, point_in_community
from hromada.core.services import district_upsert

pytestmark = pytest.mark.django_db

SQUARE = {"type": "Polygon", "coordinates": [[[30, 50], [31, 50], [31, 51], [30, 51], [30, 50]]]}


def test_a_district_knows_its_points_and_keeps_a_bounding_box():
    district = district_upsert(slug="a", name="A", kind="city_district", boundary=SQUARE)
    assert (district.min_lon, district.min_lat, district.max_lon, district.max_lat) == (
        30,
        50,
        31,
        51,
    )
    assert district_for_point(lat=50.5, lon=30.5) == district
    assert district_for_point(lat=50.0, lon=30.5) == district  # on the border
    assert district_for_point(lat=52, lon=30.5) is None
    assert AuditEvent.objects.filter(action="district.created").count() == 1


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        ({"type": "Point", "coordinates": [30, 50]}, "Polygon"),
        ({"type": "Polygon", "coordinates": "nonsense"}, "GeoJSON"),
        (  # a bow tie crosses itself
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            "перетинає сама себе",
        ),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [0, 200], [1, 200], [0, 0]]]},
            "допустимих координат",
        ),
    ],
)
def test_a_bad_boundary_is_refused_and_nothing_is_saved(boundary, message):
    with pytest.raises(ValidationFailed, match=message):
        district_upsert(slug="bad", name="Bad", kind="city_district", boundary=boundary)
    assert not District.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_demo_districts_tile_the_city(settings):
    settings.DEBUG = True
    call_command("demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert district_for_point(lat=49.10, lon=33.40).slug == "tsentralnyi"
    assert district_for_point(lat=49.10, lon=33.50).slug == "verbivskyi"
    assert not point_in_community(lat=50.45, lon=30.52)  # Kyiv is elsewhere
    # Points on a regular grid over the city belong to exactly one district each.
    for lat in [49.065 + i * 0.01 for i in range(8)]:
        for lon in [33.335 + j * 0.01 for j in range(13)]:
            assert district_for_point(lat=lat, lon=lon) is not None, (lat, lon)
