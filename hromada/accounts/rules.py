"""Who may do what to whom: predicates, combined into named permissions."""

import rules

from hromada.accounts.roles import Role


def has_role(role: str):
    @rules.predicate(name=f"has_role:{role}")
    def predicate(user) -> bool:
        return bool(user and user.is_authenticated and user.is_active and role in user.roles)

    return predicate


is_operator = has_role(Role.OPERATOR)
is_executor = has_role(Role.EXECUTOR)
is_moderator = has_role(Role.MODERATOR)
is_anticorruption_officer = has_role(Role.ANTICORRUPTION)


@rules.predicate
def is_administrator(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or Role.ADMINISTRATOR in user.roles)
    )


is_staff_member = (
    is_operator | is_executor | is_moderator | is_administrator | is_anticorruption_officer
)


@rules.predicate
def is_self(user, target) -> bool:
    return bool(user and user.is_authenticated and target is not None and user.pk == target.pk)


rules.add_perm("accounts.view_profile", is_self | is_operator | is_administrator)
rules.add_perm("accounts.change_profile", is_self)
rules.add_perm("accounts.assign_roles", is_administrator)
rules.add_perm("core.access_back_office", is_staff_member)
rules.add_perm("core.view_audit_log", is_administrator)
