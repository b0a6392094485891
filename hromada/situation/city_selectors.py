"""Reading city objects, works, permits and the yard-repair list, as pages and GeoJSON."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from hromada.situation.filters import Box
from hromada.situation.models import CityObject, ExcavationPermit, LayerType, Work, Yard

MAX_FEATURES = 5000


def public_layers() -> list[LayerType]:
    return list(LayerType.objects.filter(is_public=True))


def _in_box(queryset, box: Box | None):
    if box is None:
        return queryset
    # Overlap of two boxes: the object's box is not wholly outside the view.
    return queryset.filter(
        min_lat__lte=box.north, max_lat__gte=box.south, min_lon__lte=box.east, max_lon__gte=box.west
    )


def _feature(pk, geometry: dict, properties: dict) -> dict:
    return {"type": "Feature", "id": pk, "geometry": geometry, "properties": properties}


def layer_geojson(slug: str, *, box: Box | None = None) -> dict | None:
    layer = LayerType.objects.filter(slug=slug, is_public=True).first()
    if layer is None:
        return None
    labels = {a["key"]: a["label"] for a in layer.attributes}
    objects = _in_box(CityObject.objects.filter(layer=layer), box).order_by("pk")[:MAX_FEATURES]
    return {
        "type": "FeatureCollection",
        "layer": {"slug": layer.slug, "name": layer.name, "colour": layer.colour},
        "features": [
            _feature(
                item.pk,
                item.geometry,
                {
                    "name": item.name,
                    "attributes": [
                        {"label": labels[key], "value": value}
                        for key, value in item.values.items()
                        if key in labels
                    ],
                },
            )
            for item in objects
        ],
    }


def works_current(*, today: date | None = None):
    """Works under way or planned: not yet ended."""
    today = today or timezone.localdate()
    return Work.objects.filter(is_public=True, ends_on__gte=today).order_by("starts_on", "pk")


def works_geojson(*, box: Box | None = None, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    works = _in_box(works_current(today=today), box)[:MAX_FEATURES]
    return {
        "type": "FeatureCollection",
        "features": [
            _feature(
                work.pk,
                work.geometry,
                {
                    "title": work.title,
                    "contractor": work.contractor,
                    "starts_on": work.starts_on.isoformat(),
                    "ends_on": work.ends_on.isoformat(),
                    "ongoing": work.starts_on <= today,
                    "phone": work.contact_phone,
                },
            )
            for work in works
        ],
    }


def permits_registry(*, overdue_only: bool = False):
    permits = ExcavationPermit.objects.all()
    if overdue_only:
        permits = permits.filter(
            Q(overdue_since__isnull=False) | Q(restore_by__lt=timezone.localdate()),
            closed_on__isnull=True,
        )
    return permits.order_by("-issued_on", "number")


@dataclass(frozen=True)
class RankedYard:
    yard: Yard
    score: float
    place: int


def yard_weights() -> dict[str, float]:
    return dict(settings.SITUATION_YARD_WEIGHTS)


def yard_score(yard: Yard, weights: dict[str, float]) -> float:
    """The published formula: apartments, appeals about the yard, and its area."""
    return round(
        weights["apartments"] * yard.apartments
        + weights["appeals"] * yard.appeals_count
        + weights["area"] * yard.area_m2 / 100,
        2,
    )


def yards_ranked() -> list[RankedYard]:
    weights = yard_weights()
    scored = sorted(
        ((yard_score(yard, weights), yard) for yard in Yard.objects.all()),
        key=lambda pair: (-pair[0], pair[1].address),
    )
    return [
        RankedYard(yard=yard, score=score, place=index)
        for index, (score, yard) in enumerate(scored, start=1)
    ]
