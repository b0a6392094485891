"""An appeal as the standard's service request record: only what is public, never a word of
the author's personal data (name, contacts, address of residence)."""

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.appeals.models import OPEN_STATES, Appeal, State
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


def status_notes(appeal: Appeal) -> str:
    """The state in words. Never the answer's text: it is addressed to the author by name."""
    notes = str(State(appeal.state).label)
    if appeal.state == State.DUPLICATE and appeal.duplicate_of_id:
        notes = _("Duplicate of request %(id)s") % {"id": appeal.duplicate_of_id}
    elif appeal.state == State.FORWARDED and appeal.forwarded_to:
        notes = _("Forwarded to the competent body: %(to)s") % {"to": appeal.forwarded_to}
    return notes


def request_record(appeal: Appeal) -> dict[str, Any]:
    """Needs the appeal with category, addressee and open311 fetched (see selectors)."""
    extra = appeal.open311 if _has_open311(appeal) else None
    return {
        "service_request_id": str(appeal.pk),
        "status": status_of(appeal.state),
        "status_notes": status_notes(appeal),
        "service_name": appeal.category.name if appeal.category_id else None,
        "service_code": appeal.category.slug if appeal.category_id else None,
        "description": appeal.text,
        "agency_responsible": appeal.addressee.name if appeal.addressee_id else None,
        "service_notice": None,
        "requested_datetime": iso(appeal.received_at),
        "updated_datetime": iso(appeal.updated_at),
        "expected_datetime": iso(appeal.due_at),
        "address": appeal.location_text or None,
        "address_id": (extra.address_id or None) if extra else None,
        "zipcode": None,
        "lat": appeal.latitude,
        "long": appeal.longitude,
        "media_url": (extra.media_url or None) if extra else None,
    }


def _has_open311(appeal: Appeal) -> bool:
    try:
        appeal.open311  # noqa: B018 - fetched by select_related; absent raises
    except Appeal.open311.RelatedObjectDoesNotExist:
        return False
    return True
