from hromada.core.geo import boundary_geometry, contains_point
from hromada.core.models import District


def district_for_point(*, lat: float, lon: float) -> District | None:
    """The district that covers the point, or None when it lies outside the community."""
    candidates = District.objects.filter(
        min_lat__lte=lat, max_lat__gte=lat, min_lon__lte=lon, max_lon__gte=lon
    ).order_by("pk")
    for district in candidates:
        if contains_point(boundary_geometry(district.boundary), lat=lat, lon=lon):
            return district
    return None


def point_in_community(*, lat: float, lon: float) -> bool:
    return district_for_point(lat=lat, lon=lon) is not None
