"""Importing the city's address register from CSV: every row checked first, then all rows
written in one transaction or none.

Columns (a header row; comma, semicolon or tab): street, house, latitude, longitude, and
optionally the district (its code or name) and the address's code in the city's master
register (what Open311 partners send as address_id); Ukrainian headers вулиця, будинок,
широта, довгота, район, код are read too. An address already in the register (the same street
and house) is updated, so importing the same file twice changes nothing; an empty code keeps
the code the address has.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from hromada.accounts.models import User
from hromada.core.audit import audit_event_record
from hromada.core.errors import ValidationFailed
from hromada.core.geo import boundary_geometry, contains_point
from hromada.core.models import District
from hromada.situation.models import Address

IMPORT_MAX_BYTES = 20_000_000
COLUMNS = {
    "street": ("street", "вулиця"),
    "house": ("house", "будинок"),
    "latitude": ("latitude", "lat", "широта"),
    "longitude": ("longitude", "lon", "довгота"),
    "district": ("district", "район"),
    "code": ("code", "address_id", "код"),
}


@dataclass
class AddressImport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _reader(content: bytes) -> tuple[csv.DictReader, dict[str, str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(_("Save the CSV file as UTF-8."), field="file") from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    headers = {(name or "").strip().lower(): name for name in reader.fieldnames or ()}
    found = {}
    for column, names in COLUMNS.items():
        for name in names:
            if name in headers:
                found[column] = headers[name]
                break
    missing = [c for c in ("street", "house", "latitude", "longitude") if c not in found]
    if missing:
        raise ValidationFailed(
            _("The CSV needs the columns street, house, latitude and longitude."), field="file"
        )
    return reader, found


def _number(value: str) -> float | None:
    try:
        number = float(value.strip().replace(",", "."))
    except (AttributeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


class _Districts:
    """The community's districts, read once: by code or name, and by point."""

    def __init__(self):
        self.all = list(District.objects.all())
        self.by_key = {d.slug.lower(): d for d in self.all} | {d.name.lower(): d for d in self.all}
        self.shapes = [(d, boundary_geometry(d.boundary)) for d in self.all if d.boundary]

    def named(self, key: str) -> District | None:
        return self.by_key.get(key.strip().lower())

    def at(self, *, lat: float, lon: float) -> District | None:
        for district, shape in self.shapes:
            if contains_point(shape, lat=lat, lon=lon):
                return district
        return None


def addresses_import(*, actor: User | None, content: bytes) -> AddressImport:
    """Check every row; if all are right, create the new addresses and update the changed
    ones in one transaction. The problems name their line of the file (the header is 1)."""
    if len(content) > IMPORT_MAX_BYTES:
        raise ValidationFailed(
            _("The file is too large: at most %(size)d MB.")
            % {"size": IMPORT_MAX_BYTES // 1_000_000},
            field="file",
        )
    reader, columns = _reader(content)
    districts = _Districts()
    result = AddressImport()
    rows: dict[tuple[str, str], dict] = {}
    codes: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        problems = []
        street = " ".join((row.get(columns["street"]) or "").split())
        house = " ".join((row.get(columns["house"]) or "").split())
        if not street:
            problems.append(_("no street"))
        elif len(street) > 200:
            problems.append(_("the street's name is longer than 200 characters"))
        if not house:
            problems.append(_("no house number"))
        elif len(house) > 20:
            problems.append(_("the house number is longer than 20 characters"))
        lat = _number(row.get(columns["latitude"]) or "")
        lon = _number(row.get(columns["longitude"]) or "")
        district = None
        if lat is None or not -90 <= lat <= 90:
            problems.append(_("the latitude is not a number of degrees"))
        if lon is None or not -180 <= lon <= 180:
            problems.append(_("the longitude is not a number of degrees"))
        named = (row.get(columns["district"]) or "").strip() if "district" in columns else ""
        if named:
            district = districts.named(named)
            if district is None:
                problems.append(_("no district «%(name)s» in the community") % {"name": named})
        elif lat is not None and lon is not None and districts.shapes and not problems:
            district = districts.at(lat=lat, lon=lon)
            if district is None:
                problems.append(_("the point lies outside the community"))
        code = (row.get(columns["code"]) or "").strip() if "code" in columns else ""
        if len(code) > 64:
            problems.append(_("the register code is longer than 64 characters"))
        elif code in codes:
            problems.append(
                _("the register code %(code)s is on line %(line)d too")
                % {"code": code, "line": codes[code]}
            )
        elif code:
            codes[code] = line
        key = (street, house)
        if not problems and key in rows:
            problems.append(_("the same address as on line %(line)d") % {"line": rows[key]["line"]})
        if problems:
            result.problems.append(
                _("Line %(line)d: %(problems)s.") % {"line": line, "problems": "; ".join(problems)}
            )
            continue
        rows[key] = {
            "line": line,
            "latitude": lat,
            "longitude": lon,
            "district": district,
            "code": code,
        }
    if not rows and not result.problems:
        result.problems.append(_("The file holds no addresses."))
    if result.problems:
        return result
    with transaction.atomic():
        existing = {(a.street, a.house): a for a in Address.objects.select_for_update()}
        result.problems = _codes_taken(rows, existing)
        if result.problems:
            return result
        new, changed = [], []
        for (street, house), values in rows.items():
            address = existing.get((street, house))
            district_id = values["district"].pk if values["district"] else None
            code = values["code"]
            if address is None:
                new.append(
                    Address(
                        street=street,
                        house=house,
                        code=code,
                        latitude=values["latitude"],
                        longitude=values["longitude"],
                        district_id=district_id,
                        search_text=f"{street} {house}".lower()[:240],
                    )
                )
            elif (address.latitude, address.longitude, address.district_id) != (
                values["latitude"],
                values["longitude"],
                district_id,
            ) or (code and code != address.code):
                address.latitude, address.longitude = values["latitude"], values["longitude"]
                address.district_id = district_id
                address.code = code or address.code
                changed.append(address)
        Address.objects.bulk_create(new, batch_size=1000)
        Address.objects.bulk_update(
            changed, ["latitude", "longitude", "district", "code"], batch_size=1000
        )
        result.created, result.updated = len(new), len(changed)
        result.unchanged = len(rows) - len(new) - len(changed)
        audit_event_record(
            actor=actor,
            action="situation.addresses_imported",
            target=None,
            created=result.created,
            updated=result.updated,
        )
    return result


def _codes_taken(rows: dict[tuple[str, str], dict], existing: dict) -> list[str]:
    """Codes of the file that the register already gives to another address. Two addresses
    never share a code, not even half-way through an import that swaps them: such a file is
    refused, and the codes are moved in two imports."""
    held = {a.code: key for key, a in existing.items() if a.code}
    problems = []
    for key, values in rows.items():
        holder = held.get(values["code"]) if values["code"] else None
        if holder is not None and holder != key:
            problems.append(
                _("Line %(line)d: the register code %(code)s is already given to %(address)s.")
                % {"line": values["line"], "code": values["code"], "address": existing[holder]}
            )
    return problems
