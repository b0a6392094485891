"""Geometry helpers: GeoJSON boundaries, point-in-polygon, all in WGS 84 (lon, lat order)."""

from typing import Any

from django.utils.translation import gettext as _
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from hromada.core.errors import ValidationFailed

POLYGON_TYPES = {"Polygon", "MultiPolygon"}


def boundary_geometry(geojson: dict[str, Any]) -> BaseGeometry:
    """Parse a GeoJSON Polygon or MultiPolygon, refusing anything that is not a valid area."""
    if not isinstance(geojson, dict) or geojson.get("type") not in POLYGON_TYPES:
        raise ValidationFailed(_("The boundary must be a GeoJSON Polygon or MultiPolygon."))
    try:
        geometry = shape(geojson)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ValidationFailed(_("The boundary is not valid GeoJSON.")) from exc
    if geometry.is_empty or not geometry.is_valid:
        raise ValidationFailed(_("The boundary crosses itself or encloses no area."))
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValidationFailed(_("The boundary lies outside valid coordinates."))
    return geometry


def contains_point(geometry: BaseGeometry, *, lat: float, lon: float) -> bool:
    # covers(): a point on the border belongs to the district rather than to none.
    return geometry.covers(Point(lon, lat))
