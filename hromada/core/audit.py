from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from hromada.core.logging import current_request_id
from hromada.core.models import AuditEvent


def audit_event_record(
    *, actor: Any, action: str, target: models.Model | None = None, **payload: Any
) -> AuditEvent:
    """Append one event. Call it inside the transaction of the action it records."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        payload=payload,
        request_id=current_request_id() or "",
    )


def audit_events_record(
    *, actor: Any, events: list[tuple[str, models.Model, dict[str, Any]]]
) -> list[AuditEvent]:
    """Append many events in one query (bulk imports): (action, target, payload) each."""
    actor = actor if actor is not None and actor.is_authenticated else None
    request_id = current_request_id() or ""
    types: dict[type, ContentType] = {}
    rows = []
    for action, target, payload in events:
        model = type(target)
        if model not in types:
            types[model] = ContentType.objects.get_for_model(model)
        rows.append(
            AuditEvent(
                actor=actor,
                action=action,
                target_type=types[model],
                target_id=str(target.pk),
                payload=payload,
                request_id=request_id,
            )
        )
    return AuditEvent.objects.bulk_create(rows)
