import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from hromada.accounts.models import User
from hromada.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
GOOD = {
    "last_name": "Шевченко",
    "first_name": "Тарас",
    "patronymic": "Григорович",
    "email": "Taras@Example.com",
    "phone": "067 123 45 67",
    "password1": "kobzar-1814-moryntsi",
    "password2": "kobzar-1814-moryntsi",
}


def field_errors(response, field: str) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def test_sign_up_creates_an_unverified_account_and_mails_the_link(client):
    response = client.post(SIGNUP, GOOD)
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "taras@example.com"
    assert (user.last_name, user.first_name, user.patronymic) == ("Шевченко", "Тарас", "Григорович")
    assert user.phone.as_e164 == "+380671234567"
    assert not user.is_staff and user.roles == frozenset()
    assert not EmailAddress.objects.get(user=user).verified
    [message] = mail.outbox
    assert message.to == ["taras@example.com"]
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body).group(1)
    confirm = client.post(link)
    assert confirm.status_code == 302
    assert EmailAddress.objects.get(user=user).verified


def assert_nothing_saved(before: int) -> None:
    assert User.objects.count() == before
    assert EmailAddress.objects.count() == before
    assert not mail.outbox


def test_an_e_mail_already_registered_is_named_beside_the_field(client):
    UserFactory(email="taras@example.com")
    response = client.post(SIGNUP, GOOD)  # same address, other case
    assert response.status_code == 200
    assert field_errors(response, "email") == [
        "Користувач з цією адресою електронної пошти вже зареєстрований."
    ]
    assert 'aria-invalid="true"' in response.content.decode()
    assert User.objects.count() == 1 and not mail.outbox


@pytest.mark.parametrize(
    ("password", "fragment"),
    [("short1", "занадто короткий"), ("1234567890123", "складається із цифр")],
)
def test_a_weak_password_is_refused(client, password, fragment):
    response = client.post(SIGNUP, {**GOOD, "password1": password, "password2": password})
    assert any(fragment in error for error in field_errors(response, "password1")), (
        response.context["form"].errors
    )
    assert_nothing_saved(0)


@pytest.mark.parametrize("phone", ["12345", "+380 67 123", "телефон"])
def test_an_invalid_phone_is_refused(client, phone):
    response = client.post(SIGNUP, {**GOOD, "phone": phone})
    [error] = field_errors(response, "phone")
    assert "номер телефону" in error
    assert_nothing_saved(0)


@pytest.mark.parametrize("field", ["last_name", "first_name", "patronymic"])
def test_an_over_long_name_is_refused(client, field):
    response = client.post(SIGNUP, {**GOOD, field: "Я" * 101})
    [error] = field_errors(response, field)
    assert "не більше ніж 100" in error
    assert_nothing_saved(0)


def test_surname_and_name_are_required(client):
    response = client.post(SIGNUP, {**GOOD, "last_name": "", "first_name": " "})
    assert field_errors(response, "last_name") == ["Це поле обов'язкове."]
    assert field_errors(response, "first_name") == ["Це поле обов'язкове."]
    assert_nothing_saved(0)
