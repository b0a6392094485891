"""Who may do what in the situation centre.

The public map, list and report pages are open to everyone but show public problem reports
only. Supporting a report takes an account. The dashboard, and the lists behind its figures
(private reports and every kind of appeal, without personal data), are for the appeals
department, administrators and the heads of addressees.
"""

import rules

from hromada.accounts.rules import is_administrator, is_operator
from hromada.directory.models import Membership


@rules.predicate
def is_head(user) -> bool:
    """Responsible for some addressee (a head of a department or an enterprise)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return Membership.objects.filter(user=user, is_responsible=True).exists()


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_report_author(user, appeal) -> bool:
    return bool(appeal is not None and user.is_authenticated and appeal.author_id == user.pk)


may_watch = is_operator | is_administrator | is_head

rules.add_perm("situation.view_dashboard", may_watch)
rules.add_perm("situation.support_report", is_signed_in & ~is_report_author)
rules.add_perm("situation.manage_city_objects", is_operator | is_administrator)
