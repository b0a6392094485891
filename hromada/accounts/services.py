from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hromada.accounts.models import User
from hromada.accounts.roles import Role
from hromada.core.audit import audit_event_record
from hromada.core.errors import PermissionDenied, ValidationFailed

PROFILE_FIELDS = ("last_name", "first_name", "patronymic", "postal_address", "phone")


@transaction.atomic
def user_profile_update(*, user: User, actor: User, **changes) -> User:
    """Change the person's own questionnaire. Callers validate the values (forms, schemas)."""
    if not actor.has_perm("accounts.change_profile", user):
        raise PermissionDenied(_("You may change only your own profile."))
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationFailed(_("These fields cannot be changed here: %s") % ", ".join(unknown))
    user = User.objects.select_for_update().get(pk=user.pk)
    changed = {name: value for name, value in changes.items() if getattr(user, name) != value}
    if not changed:
        return user
    for name, value in changed.items():
        setattr(user, name, value)
    try:
        user.full_clean(exclude=["password", "email"])
    except ValidationError as exc:
        field, errors = next(iter(exc.message_dict.items()))
        raise ValidationFailed(errors[0], field=field, extra={"errors": exc.message_dict}) from exc
    user.save(update_fields=list(changed))
    audit_event_record(
        actor=actor, action="user.profile_updated", target=user, fields=sorted(changed)
    )
    return user


@transaction.atomic
def user_set_roles(*, user: User, roles: Iterable[str], actor: User | None) -> User:
    """Give a person exactly these staff roles; staff status follows from them.

    ``actor`` is None only for system code (the demo loader, a management command).
    """
    if actor is not None and not actor.has_perm("accounts.assign_roles"):
        raise PermissionDenied(_("Only an administrator assigns roles."))
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise ValidationFailed(_("Unknown roles: %s") % ", ".join(sorted(unknown)))
    if actor is not None and actor.pk == user.pk and Role.ADMINISTRATOR not in wanted:
        raise ValidationFailed(_("You cannot take the administrator role from yourself."))
    user = User.objects.select_for_update().get(pk=user.pk)
    before = set(user.roles)
    groups = Group.objects.filter(name__in=Role.values)
    user.groups.remove(*[g for g in groups if g.name not in wanted])
    user.groups.add(*[g for g in groups if g.name in wanted])
    # A break-glass superuser (createsuperuser) keeps staff status whatever its roles.
    user.is_staff = bool(wanted) or user.is_superuser
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("roles", None)
    if before != wanted:
        audit_event_record(
            actor=actor,
            action="user.roles_changed",
            target=user,
            added=sorted(wanted - before),
            removed=sorted(before - wanted),
        )
    return user
