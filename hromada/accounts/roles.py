"""Staff roles. Every signed-in person is a citizen; staff hold one or more of these roles.

Each role is a Django group named by its code, so that Django's model permissions (which
decide what the admin shows) hang on it; which groups exist is defined here, not in the data.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator (appeals department, dispatcher)")
    EXECUTOR = "executor", _("Executor (staff of an addressee)")
    MODERATOR = "moderator", _("Moderator (content of an addressee)")
    ADMINISTRATOR = "administrator", _("Administrator")
    # Law on Prevention of Corruption: the officers designated to check reports; nobody else,
    # administrators included, sees a report of possible corruption.
    ANTICORRUPTION = "anticorruption", _("Designated anti-corruption officer")


# Model permissions (app_label.codename) each role gets in the admin. Later capabilities add
# their own models here; object-level decisions are the django-rules predicates in rules.py.
ROLE_MODEL_PERMISSIONS: dict[str, set[str]] = {
    Role.OPERATOR: {"accounts.view_user"},
    Role.EXECUTOR: set(),
    Role.MODERATOR: set(),
    Role.ANTICORRUPTION: set(),
    # Every model permission but those over accounts' secrets and the permission system
    # itself; still not a superuser, so the object rules (who may see a corruption report,
    # whose profile one may change) apply to administrators too.
    Role.ADMINISTRATOR: {"*"},
}
ADMINISTRATOR_EXCLUDED_APPS = {"auth", "mfa", "sessions", "contenttypes", "admin"}


def _granted(permission: Permission, wanted: set[str]) -> bool:
    app_label = permission.content_type.app_label
    if "*" in wanted and app_label not in ADMINISTRATOR_EXCLUDED_APPS:
        return True
    return f"{app_label}.{permission.codename}" in wanted


def sync_role_groups(*, using, **kwargs) -> None:
    """Create the role groups and give them exactly the permissions listed above."""
    # This app migrates before django.contrib.auth has made the permissions; make them now.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = ROLE_MODEL_PERMISSIONS[role]
        permissions = [
            permission
            for permission in Permission.objects.select_related("content_type")
            if (
                "*" in wanted
                and permission.content_type.app_label not in ADMINISTRATOR_EXCLUDED_APPS
            )
            or f"{permission.content_type.app_label}.{permission.codename}" in wanted
        ]
        group.permissions.set(permissions)
