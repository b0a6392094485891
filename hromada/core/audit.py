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


def audit_events_for(target: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    ).select_related("actor")
