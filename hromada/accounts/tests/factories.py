import factory
from allauth.account.models import EmailAddress

from hromada.accounts.models import User
from hromada.accounts.services import user_set_roles

PASSWORD = "correct-horse-battery-42"


class UserFactory(factory.django.DjangoModelFactory):
    """A resident with a verified e-mail and a complete profile."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    last_name = "Петренко"
    first_name = "Оксана"
    patronymic = "Іванівна"
    postal_address = "вул. Шевченка, 1, м. Новоярськ"
    phone = "+380671234567"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            user_set_roles(user=self, roles=extracted, actor=None)
            self.refresh_from_db(fields=["is_staff", "is_superuser"])


def log_in_with_totp(client, user) -> None:
    """Log a member of staff in as a person does: password, then the app's current code."""
    import time

    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
    )

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/", response
    # A code typed in the last moments of its 30-second window may reach the server in the
    # next one (allauth allows no drift); wait for a fresh window, as a person would.
    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left + 0.05)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302, response.content
