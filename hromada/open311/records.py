"""An appeal as the standard's service request record: only what is public, never a word of
the author's personal data (name, contacts, address of residence)."""

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.appeals.models import OPEN_STATES, State
from hromada.core.deadlines import KYIV

# The standard's fields of a request, in its order.
REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the community's offset, as the standard asks (a time zone always)."""
    if moment is None:
        return None
    return timezone.localtime(moment, KYIV).isoformat(timespec="seconds")


def status_of(state: str) -> str:
    return "open" if state in OPEN_STATES else "closed"


def status_notes(row: dict[str, Any]) -> str:
    """The state in words. Never the answer's text: it is addressed to the author by name."""
    state = row["state"]
    if state == State.DUPLICATE and row["duplicate_of_id"]:
        return _("Duplicate of request %(id)s") % {"id": row["duplicate_of_id"]}
    if state == State.FORWARDED and row["forwarded_to"]:
        return _("Forwarded to the competent body: %(to)s") % {"to": row["forwarded_to"]}
    return str(State(state).label)


def request_record(row: dict[str, Any]) -> dict[str, Any]:
    """A row of ``selectors.RECORD_COLUMNS`` as the standard's record."""
    return {
        "service_request_id": str(row["pk"]),
        "status": status_of(row["state"]),
        "status_notes": status_notes(row),
        "service_name": row["category__name"],
        "service_code": row["category__slug"],
        "description": row["text"],
        "agency_responsible": row["addressee__name"],
        "service_notice": None,
        "requested_datetime": iso(row["received_at"]),
        "updated_datetime": iso(row["updated_at"]),
        "expected_datetime": iso(row["due_at"]),
        "address": row["location_text"] or None,
        "address_id": row["open311__address_id"] or None,
        "zipcode": None,
        "lat": row["latitude"],
        "long": row["longitude"],
        "media_url": row["open311__media_url"] or None,
    }
