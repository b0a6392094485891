from typing import Any

from django.db import transaction

from hromada.core.audit import audit_event_record
from hromada.core.geo import boundary_geometry
from hromada.core.models import District


@transaction.atomic
def district_upsert(
    *, slug: str, name: str, kind: str, boundary: dict[str, Any], actor: Any = None
) -> District:
    geometry = boundary_geometry(boundary)
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    district, created = District.objects.update_or_create(
        slug=slug,
        defaults={
            "name": name,
            "kind": kind,
            "boundary": boundary,
            "min_lat": min_lat,
            "max_lat": max_lat,
            "min_lon": min_lon,
            "max_lon": max_lon,
        },
    )
    audit_event_record(
        actor=actor,
        action="district.created" if created else "district.updated",
        target=district,
        name=name,
    )
    return district
