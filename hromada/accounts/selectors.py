from django.utils.translation import gettext_lazy as _

from hromada.accounts.models import User

# Law 393/96-ВР art. 5: what an appeal must carry about its author: surname, name,
# patronymic, place of residence; an electronic appeal also an e-mail (the phone is optional).
REQUIRED_FOR_APPEAL = [
    ("last_name", _("surname")),
    ("first_name", _("first name")),
    ("patronymic", _("patronymic")),
    ("postal_address", _("postal address")),
    ("email", _("e-mail")),
]


def profile_missing_fields(user: User) -> list[tuple[str, str]]:
    """The (field, label) pairs a person must still fill in before filing an appeal."""
    return [
        (name, label)
        for name, label in REQUIRED_FOR_APPEAL
        if not str(getattr(user, name) or "").strip()
    ]


def profile_is_complete(user: User) -> bool:
    return not profile_missing_fields(user)
