"""Who may see and act on an appeal.

An appeal is seen by its author and co-signers, by the staff of its addressee, by the appeals
department (operators) and by administrators. A report of possible corruption is seen only by
the designated officers (Law on Prevention of Corruption), not even by administrators.
"""

import rules

from hromada.accounts.rules import (
    is_administrator,
    is_anticorruption_officer,
    is_operator,
)
from hromada.appeals.models import Kind
from hromada.directory.models import Membership


@rules.predicate
def is_corruption_report(user, appeal) -> bool:
    return appeal is not None and appeal.kind == Kind.CORRUPTION_REPORT


@rules.predicate
def is_author(user, appeal) -> bool:
    return bool(appeal is not None and user.is_authenticated and appeal.author_id == user.pk)


@rules.predicate
def is_signer(user, appeal) -> bool:
    return bool(
        appeal is not None and user.is_authenticated and appeal.signers.filter(user=user).exists()
    )


@rules.predicate
def is_executor_of(user, appeal) -> bool:
    return bool(appeal is not None and user.is_authenticated and appeal.executor_id == user.pk)


@rules.predicate
def is_addressee_staff(user, appeal) -> bool:
    if appeal is None or not user.is_authenticated or appeal.addressee_id is None:
        return False
    return Membership.objects.filter(addressee_id=appeal.addressee_id, user=user).exists()


@rules.predicate
def is_addressee_responsible(user, appeal) -> bool:
    if appeal is None or not user.is_authenticated or appeal.addressee_id is None:
        return False
    return Membership.objects.filter(
        addressee_id=appeal.addressee_id, user=user, is_responsible=True
    ).exists()


ordinary = ~is_corruption_report
# Register, route, return, forward, refuse, mark duplicates, call back: the appeals department.
may_register = (ordinary & is_operator) | (is_corruption_report & is_anticorruption_officer)
# Give to an executor: also the addressee's responsible staff.
may_assign = may_register | (ordinary & is_addressee_responsible)
# Work on it, answer, extend: also its executor.
may_work_on = may_assign | (ordinary & is_executor_of)
may_view_as_staff = may_work_on | (ordinary & (is_addressee_staff | is_administrator))

rules.add_perm("appeals.view_appeal", may_view_as_staff | is_author | is_signer)
rules.add_perm("appeals.view_appeal_internals", may_view_as_staff)
rules.add_perm("appeals.register_appeal", may_register)
rules.add_perm("appeals.assign_appeal", may_assign)
rules.add_perm("appeals.work_on_appeal", may_work_on)
rules.add_perm("appeals.respond_as_author", is_author)
rules.add_perm("appeals.sign_appeal", is_signer)
# Queues and the back office's lists (no object: what each person sees is the selectors').
rules.add_perm(
    "appeals.use_back_office",
    is_operator | is_administrator | is_anticorruption_officer | rules.is_staff,
)
rules.add_perm("appeals.export_journal", is_operator | is_administrator)
