"""Demo accounts, one or more per role, with documented passwords (see the README)."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils.translation import gettext as _

from hromada.accounts.models import User
from hromada.accounts.roles import Role
from hromada.accounts.services import user_set_roles

DEMO_PASSWORD = "hromada-demo-2026"  # noqa: S105 - documented demo credential, DEBUG only
DEMO_DOMAIN = "novoiarsk.example"

DEMO_USERS = [
    # email local part, roles, surname, first name, patronymic, address, phone
    ("admin", [Role.ADMINISTRATOR], "Коваленко", "Олена", "Петрівна",
     "вул. Соборна, 1, м. Новоярськ", "+380671110001"),
    ("operator", [Role.OPERATOR], "Бондар", "Ірина", "Василівна",
     "вул. Соборна, 1, м. Новоярськ", "+380671110002"),
    ("executor", [Role.EXECUTOR], "Ткаченко", "Андрій", "Миколайович",
     "вул. Заводська, 12, м. Новоярськ", "+380671110003"),
    ("moderator", [Role.MODERATOR], "Шевчук", "Марина", "Олегівна",
     "вул. Паркова, 5, м. Новоярськ", "+380671110004"),
    ("citizen", [], "Мельник", "Тарас", "Іванович",
     "вул. Вишнева, 17, кв. 4, м. Новоярськ", "+380501234567"),
    # A resident who has not finished the questionnaire yet: the cabinet says what is missing.
    ("newcomer", [], "Кравчук", "Софія", "", "", ""),
]  # fmt: skip


def load(*, stdout) -> None:
    stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for local, roles, last, first, patronymic, address, phone in DEMO_USERS:
        email = f"{local}@{DEMO_DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email,
                DEMO_PASSWORD,
                last_name=last,
                first_name=first,
                patronymic=patronymic,
                postal_address=address,
                phone=phone,
            )
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            user_set_roles(user=user, roles=roles, actor=None)
            if roles:
                TOTP.activate(user, generate_totp_secret())
        label = ", ".join(str(Role(r).label) for r in roles) or _("Resident")
        stdout.write(f"  {email:32} {label}")
    if Authenticator.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}").exists():
        stdout.write(
            "Staff accounts ask for a one-time code after the password: "
            "`make totp EMAIL=operator@novoiarsk.example` prints the current one."
        )
