from datetime import timedelta

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.translation import gettext

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


@register.simple_tag
def deadline(appeal):
    """The due date, coloured and said in words (colour is never the only sign).

    A tag rather than an included template: the queue shows it on every row.
    """
    status = deadline_status(appeal)
    words = {
        "overdue": gettext("Overdue:"),
        "soon": gettext("Due soon:"),
        "done": gettext("Answer was due by:"),
    }.get(status) or gettext("Due:")
    due = timezone.localtime(appeal.due_at)
    return format_html(
        '<span class="deadline deadline-{}">{} <time datetime="{}">{}</time></span>',
        status,
        words,
        due.isoformat(),
        dateformat.format(due, "j E Y"),
    )
