"""Periodic work of the situation centre."""

from datetime import timedelta

from django_tasks import task

from hromada.core.scheduling import periodic
from hromada.situation.dashboard import recurring_problems_refresh


@periodic(every=timedelta(hours=6))
@task()
def refresh_recurring_problems() -> int:
    """The dashboard's recurring problems: places where one category keeps coming back."""
    return recurring_problems_refresh()
