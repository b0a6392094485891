from datetime import timedelta

from django import template
from django.utils import timezone

from hromada.appeals.selectors import DUE_SOON_DAYS

register = template.Library()


@register.filter
def deadline_status(appeal) -> str:
    """ "overdue", "soon" (within DUE_SOON_DAYS), "ok" or "done": the colour of a due date."""
    if not appeal.is_open:
        return "done"
    now = timezone.now()
    if appeal.due_at < now:
        return "overdue"
    if appeal.due_at < now + timedelta(days=DUE_SOON_DAYS):
        return "soon"
    return "ok"
