"""The situation centre's JSON API (/api/v1/situation/): the public map's GeoJSON, nearby
open reports, the address register, and supporting a report.

The map's filters are the page's query parameters (category, status, district, addressee,
received_from/to, resolved_from/to), repeated for several values.
"""

from dataclasses import replace
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import SessionAuth

from hromada.core.errors import NotFound, ValidationFailed
from hromada.situation import city_selectors, selectors, services
from hromada.situation.filters import parse_bbox, parse_filters

router = Router(tags=["situation centre"])
REFUSALS = frozenset({400, 401, 403, 404, 409, 422})


class ErrorOut(Schema):
    error: dict[str, Any]


class SupportOut(Schema):
    report: int
    supporters: int
    supported: bool


class NearbyOut(Schema):
    id: int
    number: str
    subject: str
    metres: int
    supporters: int
    url: str


class AddressOut(Schema):
    id: int
    code: str = Field(
        description="The address's code in the city's master register, which Open311 "
        "takes as address_id; empty when the register gives none."
    )
    label: str
    latitude: float
    longitude: float


@router.get(
    "/reports.geojson",
    auth=None,
    summary="Public problem reports on the map",
    url_name="situation_reports_geojson",
)
def reports_geojson(request: HttpRequest, bbox: str, zoom: int = 12) -> dict:
    """GeoJSON FeatureCollection of the public reports in `bbox` (west,south,east,north):
    clusters (`properties.cluster`, `count`) while the view holds many, single reports
    otherwise. `clustered` at the top says which."""
    # The visible box is `bbox` here; a place among the filters would only repeat it.
    filters = replace(parse_filters(request.GET), bbox="")
    box = parse_bbox(bbox)
    return selectors.map_features(filters=filters, box=box, zoom=zoom)


@router.get("/reports/nearby", auth=None, response=list[NearbyOut])
def reports_nearby(request: HttpRequest, latitude: float, longitude: float, category: int):
    """Open public reports of the category near a point: support one instead of a duplicate."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationFailed(_("The point has impossible coordinates."), field="latitude")
    return [
        {
            "id": item.appeal.pk,
            "number": item.appeal.number,
            "subject": item.appeal.subject,
            "metres": item.metres,
            "supporters": item.appeal.support_count,
            "url": reverse("situation:report", kwargs={"pk": item.appeal.pk}),
        }
        for item in selectors.nearby_open(
            latitude=latitude, longitude=longitude, category_id=category
        )
    ]


@router.get("/addresses", auth=None, response=list[AddressOut], url_name="situation_addresses")
def addresses(request: HttpRequest, q: str = ""):
    """The city's address register, searched by words of the street and the house number."""
    return [
        {
            "id": a.pk,
            "code": a.code,
            "label": str(a),
            "latitude": a.latitude,
            "longitude": a.longitude,
        }
        for a in selectors.addresses_matching(q[:100])
    ]


def _support_out(appeal_id: int, supported: bool) -> dict:
    appeal = selectors.public_report(appeal_id)
    return {"report": appeal_id, "supporters": appeal.support_count, "supported": supported}


@router.post(
    "/reports/{report_id}/support",
    auth=SessionAuth(),
    response={201: SupportOut, REFUSALS: ErrorOut},
)
def support(request: HttpRequest, report_id: int):
    """Support a public report (once per person); 409 `already_supported` the second time."""
    services.support_add(actor=request.auth, appeal_id=report_id)
    return Status(201, _support_out(report_id, True))


@router.delete(
    "/reports/{report_id}/support",
    auth=SessionAuth(),
    response={200: SupportOut, REFUSALS: ErrorOut},
)
def withdraw(request: HttpRequest, report_id: int):
    services.support_withdraw(actor=request.auth, appeal_id=report_id)
    return Status(200, _support_out(report_id, False))


@router.get(
    "/layers/{slug}.geojson",
    auth=None,
    summary="City objects of one public layer",
    url_name="situation_layer_geojson",
)
def layer_geojson(request: HttpRequest, slug: str, bbox: str = "") -> dict:
    """GeoJSON FeatureCollection of the layer's objects (in `bbox` when given)."""
    collection = city_selectors.layer_geojson(slug, box=parse_bbox(bbox) if bbox else None)
    if collection is None:
        raise NotFound(_("No such layer."))
    return collection


@router.get(
    "/works.geojson",
    auth=None,
    summary="Planned and ongoing works",
    url_name="situation_works_geojson",
)
def works_geojson(request: HttpRequest, bbox: str = "") -> dict:
    """Works not yet ended: what is dug up, by which contractor, until when."""
    return city_selectors.works_geojson(box=parse_bbox(bbox) if bbox else None)
