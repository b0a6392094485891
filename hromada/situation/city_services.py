"""Writing city objects, works, excavation permits and yards (seed 001), and the job that
sends the claims about overdue permits.

Geometry is GeoJSON in WGS 84, checked with shapely; each row keeps its bounding box for box
queries. Imports are all or nothing: every row is checked first, and one bad row refuses the
file with its row number.
"""

import csv
import io
import json
import logging
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import Point, shape

from hromada.accounts.models import User
from hromada.core.audit import audit_event_record
from hromada.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hromada.situation.models import (
    AppealFact,
    CityObject,
    ExcavationPermit,
    Geometry,
    LayerType,
    PermitClaim,
    Work,
    Yard,
)

logger = logging.getLogger(__name__)
IMPORT_MAX_BYTES = 20_000_000
IMPORT_MAX_ROWS = 20_000
ATTRIBUTE_TYPES = ("text", "number", "date")
GEOMETRY_FAMILIES = {
    Geometry.POINT: {"Point", "MultiPoint"},
    Geometry.LINE: {"LineString", "MultiLineString"},
    Geometry.POLYGON: {"Polygon", "MultiPolygon"},
}


def _require(actor: User | None, permission: str) -> None:
    if actor is None:
        return  # the system itself (imports by command, periodic jobs)
    if not actor.has_perm(permission):
        raise PermissionDenied(_("You may not change the city's objects and works."))


def geometry_clean(value: Any, *, kind: str = Geometry.ANY, field: str = "geometry") -> dict:
    """A GeoJSON geometry as a dict, checked: the right kind, valid, within coordinates."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ValidationFailed(_("The geometry is not valid GeoJSON."), field=field) from exc
    if not isinstance(value, dict) or "type" not in value:
        raise ValidationFailed(_("The geometry is not valid GeoJSON."), field=field)
    allowed = GEOMETRY_FAMILIES.get(kind)
    if allowed is not None and value["type"] not in allowed:
        raise ValidationFailed(
            _("This layer holds %(kind)s; the geometry is a %(type)s.")
            % {"kind": Geometry(kind).label, "type": value["type"]},
            field=field,
        )
    try:
        geometry = shape(value)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise ValidationFailed(_("The geometry is not valid GeoJSON."), field=field) from exc
    if geometry.is_empty or not geometry.is_valid:
        raise ValidationFailed(_("The geometry is empty or crosses itself."), field=field)
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValidationFailed(_("The geometry lies outside valid coordinates."), field=field)
    return {"type": value["type"], "coordinates": value["coordinates"]}


def _boxed(instance, geometry: dict) -> None:
    min_lon, min_lat, max_lon, max_lat = shape(geometry).bounds
    instance.geometry = geometry
    instance.min_lat, instance.max_lat = min_lat, max_lat
    instance.min_lon, instance.max_lon = min_lon, max_lon


def attributes_clean(attributes: Any) -> list[dict]:
    if not isinstance(attributes, list):
        raise ValidationFailed(_("Attributes are a list."), field="attributes")
    cleaned, keys = [], set()
    for item in attributes:
        if not isinstance(item, dict) or not str(item.get("key", "")).strip():
            raise ValidationFailed(
                _("Each attribute needs a key, a label and a type."), field="attributes"
            )
        key = str(item["key"]).strip()
        kind = item.get("type", "text")
        if kind not in ATTRIBUTE_TYPES or key in keys:
            raise ValidationFailed(
                _("Attribute «%(key)s»: a unique key and a type of text, number or date.")
                % {"key": key},
                field="attributes",
            )
        keys.add(key)
        cleaned.append({"key": key, "label": str(item.get("label") or key), "type": kind})
    return cleaned


def _values_clean(layer: LayerType, values: dict, *, where: str = "") -> dict:
    cleaned = {}
    for attribute in layer.attributes:
        raw = values.get(attribute["key"])
        if raw is None or raw == "":
            continue
        key, kind = attribute["key"], attribute["type"]
        try:
            if kind == "number":
                cleaned[key] = float(str(raw).replace(",", "."))
            elif kind == "date":
                cleaned[key] = date.fromisoformat(str(raw)).isoformat()
            else:
                cleaned[key] = str(raw)[:1000]
        except ValueError as exc:
            raise ValidationFailed(
                _("%(where)s«%(label)s» must be a %(type)s; it is «%(value)s».")
                % {"where": where, "label": attribute["label"], "type": kind, "value": raw},
                field="values",
            ) from exc
    return cleaned


def layer_type_save(*, actor: User | None, layer: LayerType) -> LayerType:
    _require(actor, "situation.manage_city_objects")
    layer.attributes = attributes_clean(layer.attributes)
    with transaction.atomic():
        layer.save()
        audit_event_record(actor=actor, action="situation.layer_saved", target=layer)
    return layer


def city_object_save(
    *, actor: User | None, layer: LayerType, name: str, geometry: Any, values: dict, pk=None
) -> CityObject:
    _require(actor, "situation.manage_city_objects")
    name = (name or "").strip()[:300]
    if not name:
        raise ValidationFailed(_("Give the object a name."), field="name")
    item = CityObject.objects.filter(pk=pk).first() if pk else CityObject()
    item.layer, item.name = layer, name
    item.values = _values_clean(layer, values or {})
    _boxed(item, geometry_clean(geometry, kind=layer.geometry_type))
    with transaction.atomic():
        item.save()
        audit_event_record(actor=actor, action="situation.object_saved", target=item)
    return item


def _rows_from_geojson(content: bytes) -> list[tuple[str, dict, dict]]:
    try:
        collection = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationFailed(_("The file is not GeoJSON."), field="file") from exc
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise ValidationFailed(_("The file is not a GeoJSON FeatureCollection."), field="file")
    rows = []
    for feature in collection.get("features") or []:
        properties = (feature or {}).get("properties") or {}
        name = properties.get("name") or properties.get("назва") or ""
        rows.append((str(name), (feature or {}).get("geometry"), properties))
    return rows


def _rows_from_csv(content: bytes) -> list[tuple[str, dict, dict]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(_("Save the CSV file as UTF-8."), field="file") from exc
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    fields = set(reader.fieldnames or ())
    if not ({"latitude", "longitude"} <= fields or "geometry" in fields) or "name" not in fields:
        raise ValidationFailed(
            _("The CSV needs the columns name and latitude, longitude (or geometry as GeoJSON)."),
            field="file",
        )
    rows = []
    for row in reader:
        if row.get("geometry"):
            geometry: Any = row["geometry"]
        else:
            try:
                geometry = {
                    "type": "Point",
                    "coordinates": [
                        float(row["longitude"].replace(",", ".")),
                        float(row["latitude"].replace(",", ".")),
                    ],
                }
            except (AttributeError, ValueError):
                geometry = None
        rows.append((row.get("name") or "", geometry, row))
    return rows


def city_objects_import(*, actor: User | None, layer: LayerType, upload: UploadedFile) -> int:
    """Add the objects of a GeoJSON FeatureCollection or a CSV file to the layer: all rows,
    or none with the first bad row's number."""
    _require(actor, "situation.manage_city_objects")
    if upload.size > IMPORT_MAX_BYTES:
        raise ValidationFailed(
            _("The file is too large: at most %(size)d MB.")
            % {"size": IMPORT_MAX_BYTES // 1_000_000},
            field="file",
        )
    content = upload.read()
    name = (upload.name or "").lower()
    rows = _rows_from_csv(content) if name.endswith(".csv") else _rows_from_geojson(content)
    if not rows:
        raise ValidationFailed(_("The file holds no objects."), field="file")
    if len(rows) > IMPORT_MAX_ROWS:
        raise ValidationFailed(
            _("At most %(count)d objects in one file.") % {"count": IMPORT_MAX_ROWS},
            field="file",
        )
    objects = []
    for number, (title, geometry, values) in enumerate(rows, start=1):
        where = _("Object %(number)d: ") % {"number": number}
        title = str(title).strip()[:300]
        if not title:
            raise ValidationFailed(where + _("it has no name."), field="file")
        try:
            checked = geometry_clean(geometry, kind=layer.geometry_type, field="file")
        except ValidationFailed as exc:
            raise ValidationFailed(where + exc.message, field="file") from exc
        item = CityObject(layer=layer, name=title, values=_values_clean(layer, values, where=where))
        _boxed(item, checked)
        objects.append(item)
    with transaction.atomic():
        CityObject.objects.bulk_create(objects, batch_size=1000)
        audit_event_record(
            actor=actor,
            action="situation.objects_imported",
            target=layer,
            count=len(objects),
            file=upload.name,
        )
    return len(objects)


def work_save(*, actor: User | None, work: Work, geometry: Any) -> Work:
    _require(actor, "situation.manage_city_objects")
    if not work.title.strip() or not work.contractor.strip():
        raise ValidationFailed(_("Say what is done and by which contractor."), field="title")
    if work.ends_on < work.starts_on:
        raise ValidationFailed(_("The works cannot end before they start."), field="ends_on")
    _boxed(work, geometry_clean(geometry))
    with transaction.atomic():
        work.save()
        audit_event_record(actor=actor, action="situation.work_saved", target=work)
    return work


def permit_save(*, actor: User | None, permit: ExcavationPermit, geometry: Any) -> ExcavationPermit:
    _require(actor, "situation.manage_city_objects")
    if permit.restore_by < permit.issued_on:
        raise ValidationFailed(
            _("The surface cannot be due before the permit is issued."), field="restore_by"
        )
    _boxed(permit, geometry_clean(geometry))
    with transaction.atomic():
        permit.save()
        audit_event_record(actor=actor, action="situation.permit_saved", target=permit)
    return permit


def permit_close(*, actor: User | None, permit_id: int, closed_on: date) -> ExcavationPermit:
    """The surface is restored: the permit is closed (late, if it was overdue)."""
    _require(actor, "situation.manage_city_objects")
    with transaction.atomic():
        permit = ExcavationPermit.objects.select_for_update().filter(pk=permit_id).first()
        if permit is None:
            raise NotFound(_("No such permit."))
        if permit.closed_on is not None:
            raise Conflict(_("The permit is already closed."))
        if closed_on < permit.issued_on or closed_on > timezone.localdate():
            raise ValidationFailed(
                _("The closing date lies between the issue and today."), field="closed_on"
            )
        permit.closed_on = closed_on
        permit.save(update_fields=["closed_on"])
        audit_event_record(actor=actor, action="situation.permit_closed", target=permit)
    return permit


def permits_check_overdue(*, today: date | None = None) -> int:
    """Permits past their restore date without closure: mark them overdue and owe the two
    claims (contractor, police), each recorded once; the sending follows on commit."""
    from hromada.situation.tasks import permit_claim_send

    today = today or timezone.localdate()
    police = settings.SITUATION_POLICE_EMAIL
    found = 0
    for pk in ExcavationPermit.objects.filter(
        restore_by__lt=today, closed_on__isnull=True, overdue_since__isnull=True
    ).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            permit = (
                ExcavationPermit.objects.select_for_update()
                .filter(pk=pk, closed_on__isnull=True, overdue_since__isnull=True)
                .first()
            )
            if permit is None:
                continue  # closed or handled meanwhile
            permit.overdue_since = timezone.now()
            permit.save(update_fields=["overdue_since"])
            recipients = [(PermitClaim.Recipient.CONTRACTOR, permit.contractor_email)]
            if police:
                recipients.append((PermitClaim.Recipient.POLICE, police))
            else:
                logger.warning("no SITUATION_POLICE_EMAIL: the police claim is not sent")
            for kind, email in recipients:
                claim, created = PermitClaim.objects.get_or_create(
                    permit=permit, recipient_kind=kind, defaults={"recipient": email}
                )
                if created:
                    transaction.on_commit(lambda c=claim.pk: permit_claim_send.enqueue(c))
            audit_event_record(actor=None, action="situation.permit_overdue", target=permit)
            found += 1
    return found


def yard_save(*, actor: User | None, yard: Yard, geometry: Any) -> Yard:
    _require(actor, "situation.manage_city_objects")
    if not yard.address.strip():
        raise ValidationFailed(_("Give the yard's address."), field="address")
    _boxed(yard, geometry_clean(geometry, kind=Geometry.POLYGON))
    with transaction.atomic():
        yard.save()
    yards_recount(pk=yard.pk)
    return Yard.objects.get(pk=yard.pk)


def yards_recount(*, pk: int | None = None) -> int:
    """How many problem reports lie within each yard (its polygon, any status)."""
    yards = Yard.objects.all() if pk is None else Yard.objects.filter(pk=pk)
    now = timezone.now()
    counted = 0
    for yard in yards:
        area = shape(yard.geometry)
        points = AppealFact.objects.filter(
            kind="problem_report",
            latitude__range=(yard.min_lat, yard.max_lat),
            longitude__range=(yard.min_lon, yard.max_lon),
        ).values_list("latitude", "longitude")
        count = sum(1 for lat, lon in points.iterator() if area.covers(Point(lon, lat)))
        Yard.objects.filter(pk=yard.pk).update(appeals_count=count, counted_at=now)
        counted += 1
    return counted
