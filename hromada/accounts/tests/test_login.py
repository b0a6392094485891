import pytest
from allauth.account.models import EmailAddress

from hromada.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def log_in(client, email: str, password: str = PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def test_a_verified_resident_logs_in_and_lands_in_the_cabinet(client):
    user = UserFactory()
    response = log_in(client, user.email.upper())
    assert response.status_code == 302 and response["Location"] == "/cabinet/"
    assert client.get("/cabinet/").context["user"] == user


def test_an_unverified_address_must_be_confirmed_first(client):
    user = UserFactory()
    EmailAddress.objects.filter(user=user).update(verified=False)
    response = log_in(client, user.email)
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/cabinet/").status_code == 302  # still anonymous


def test_a_wrong_password_says_so_in_ukrainian(client):
    user = UserFactory()
    response = log_in(client, user.email, "wrong-password")
    assert response.status_code == 200
    assert "неправильні" in response.content.decode()


def test_log_in_attempts_are_rate_limited_per_account(client, settings):
    user = UserFactory()
    for _ in range(settings.LOGIN_ATTEMPTS_LIMIT):
        assert log_in(client, user.email, "guess").status_code == 200
    # Even the right password is refused until the window passes.
    response = log_in(client, user.email)
    assert response.status_code == 200
    assert "Занадто багато невдалих спроб входу" in response.content.decode()
    assert client.get("/cabinet/").status_code == 302


def test_a_deactivated_account_cannot_log_in(client):
    user = UserFactory(is_active=False)
    response = log_in(client, user.email)
    assert client.get("/cabinet/").status_code == 302, response


def test_a_forgotten_password_is_reset_through_the_mailed_link(client):
    import re

    from django.core import mail

    user = UserFactory()
    response = client.post("/accounts/password/reset/", {"email": user.email.upper()})
    assert response.status_code == 302
    [message] = mail.outbox
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body)[1]
    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    new = "a-brand-new-password-2026"
    done = client.post(action, {"password1": new, "password2": new})
    assert done.status_code == 302
    client.logout()
    assert log_in(client, user.email, PASSWORD).status_code == 200  # the old one no longer works
    assert log_in(client, user.email, new)["Location"] == "/cabinet/"


def test_a_reset_for_an_unknown_address_says_so_and_sends_nothing(client):
    from django.core import mail

    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not mail.outbox
