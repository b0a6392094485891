"""Account journeys in the browser, on a phone, in Ukrainian."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from playwright.sync_api import expect

from hromada.accounts.models import User
from hromada.accounts.selectors import profile_missing_fields
from hromada.accounts.tests.factories import PASSWORD, UserFactory

from .support import main_menu, path_is, screenshot_dir, tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Kalyna-v-sadu-2024"


def submit(page, button) -> None:
    """Click a form's submit button and wait for the page it leads to."""
    with page.expect_navigation():
        button.click()


def log_in(page, email: str, password: str) -> None:
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    submit(page, page.get_by_role("button", name=tr("Sign In"), exact=True))


def test_sign_up_verify_log_in_complete_profile_sign_out(page, live_server, tmp_path):
    page.goto("/")
    main_menu(page).get_by_role("link", name=tr("Sign up")).click()
    expect(page).to_have_url(path_is("/accounts/signup/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("Sign Up"))

    # Only what the form requires: the rest of the questionnaire comes later.
    page.locator("input[name=last_name]").fill("Коваленко")
    page.locator("input[name=first_name]").fill("Марія")
    page.locator("input[name=email]").fill("maria.kovalenko@example.com")
    page.locator("input[name=password1]").fill(NEW_PASSWORD)
    page.locator("input[name=password2]").fill(NEW_PASSWORD)
    submit(page, page.get_by_role("button", name=tr("Sign Up"), exact=True))

    expect(page).to_have_url(path_is("/accounts/confirm-email/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("Verify Your Email Address"))
    user = User.objects.get(email="maria.kovalenko@example.com")
    assert (user.last_name, user.first_name) == ("Коваленко", "Марія")
    assert not EmailAddress.objects.get(user=user).verified

    # The link in the e-mail.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["maria.kovalenko@example.com"]
    links = re.findall(r"https?://\S+/accounts/confirm-email/\S+/", message.body)
    assert len(links) == 1, message.body
    assert links[0].startswith(live_server.url)
    page.goto(links[0])
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("Confirm Email Address"))
    submit(page, page.get_by_role("button", name=tr("Confirm"), exact=True))
    assert EmailAddress.objects.get(user=user).verified

    # Confirming does not sign in: the log-in page comes next.
    expect(page).to_have_url(path_is("/accounts/login/"))
    log_in(page, "maria.kovalenko@example.com", NEW_PASSWORD)

    expect(page).to_have_url(path_is("/cabinet/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("My cabinet"))
    # The panel lists exactly what the law still needs; the sign-up form never asks for the
    # postal address, so that at least is missing.
    missing = profile_missing_fields(user)
    assert "postal_address" in dict(missing)
    incomplete = page.get_by_role("region", name=tr("Your profile is not complete yet"))
    expect(incomplete.get_by_role("listitem")).to_have_text([tr(label) for _, label in missing])
    incomplete.get_by_role("link", name=tr("Fill in the profile")).click()

    expect(page).to_have_url(path_is("/cabinet/profile/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("Profile"))
    expect(page.locator("input[name=last_name]")).to_have_value("Коваленко")
    expect(page.locator("input[name=first_name]")).to_have_value("Марія")
    page.locator("input[name=last_name]").fill("Коваленко-Шевчук")
    page.locator("input[name=first_name]").fill("Марія")
    page.locator("input[name=patronymic]").fill("Олегівна")
    page.locator("input[name=postal_address]").fill("вул. Соборна, 12, кв. 5, м. Новоярськ")
    page.locator("input[name=phone]").fill("067 123 45 67")
    submit(page, page.get_by_role("button", name=tr("Save"), exact=True))

    expect(page).to_have_url(path_is("/cabinet/profile/"))
    expect(page.get_by_role("status")).to_contain_text(tr("Your profile is saved."))
    expect(page.get_by_role("region", name=tr("Your profile is complete"))).to_be_visible()
    expect(page.get_by_role("region", name=tr("Your profile is not complete yet"))).to_have_count(0)
    user.refresh_from_db()
    assert user.full_name == "Коваленко-Шевчук Марія Олегівна"
    assert user.postal_address == "вул. Соборна, 12, кв. 5, м. Новоярськ"
    assert user.phone.as_e164 == "+380671234567"

    main_menu(page).get_by_role("link", name=tr("My cabinet")).click()
    expect(page).to_have_url(path_is("/cabinet/"))
    expect(page.get_by_role("region", name=tr("Your profile is complete"))).to_be_visible()
    shots = screenshot_dir(tmp_path)
    page.screenshot(path=str(shots / "journey1-cabinet-complete.png"), full_page=True)

    main_menu(page).get_by_role("button", name=tr("Sign out")).click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/(accounts/logout/)?$"))
    if page.url.endswith("/accounts/logout/"):  # allauth's "are you sure?" page
        submit(page, page.get_by_role("main").get_by_role("button", name=tr("Sign Out")))
    expect(page).to_have_url(path_is("/"))
    menu = main_menu(page)
    expect(menu.get_by_role("link", name=tr("Sign in"), exact=True)).to_be_visible()
    expect(menu.get_by_role("link", name=tr("Sign up"), exact=True)).to_be_visible()
    expect(menu.get_by_role("button", name=tr("Sign out"))).to_have_count(0)
    expect(menu.get_by_role("link", name=tr("My cabinet"))).to_have_count(0)
    page.screenshot(path=str(shots / "journey1-signed-out.png"), full_page=True)

    # Really signed out: the cabinet asks to sign in again.
    page.goto("/cabinet/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/cabinet/$"))


def test_sign_up_rejects_bad_input_next_to_each_field(page):
    UserFactory(email="taken@example.com")
    page.goto("/accounts/signup/")
    page.locator("input[name=last_name]").fill("Коваленко")
    page.locator("input[name=first_name]").fill("Марія")
    page.locator("input[name=email]").fill("taken@example.com")
    page.locator("input[name=phone]").fill("12-ab")
    page.locator("input[name=password1]").fill("12345")
    page.locator("input[name=password2]").fill("12345")
    submit(page, page.get_by_role("button", name=tr("Sign Up"), exact=True))

    expect(page).to_have_url(path_is("/accounts/signup/"))
    for name in ("email", "phone", "password1"):
        field = page.locator(f"input[name={name}]")
        expect(field).to_have_attribute("aria-invalid", "true")
        described_by = field.get_attribute("aria-describedby") or ""
        errors = [
            page.locator(f"[id='{id_}']")
            for id_ in described_by.split()
            if id_.endswith("_error")  # Django's ids: <input id>_error, <input id>_helptext
        ]
        assert len(errors) == 1, f"{name}: aria-describedby={described_by!r} names no error"
        error = errors[0]
        expect(error).to_be_visible()
        expect(error).not_to_have_text(re.compile(r"^\s*$"))
        # "Next to the field": the error sits in the same field block as the input.
        assert error.evaluate(
            "(error, input) => error.parentElement === input.parentElement",
            field.element_handle(),
        ), f"{name}: the error is not next to its input"
    expect(page.locator("[id='id_email_error']")).to_have_text(
        tr("A user is already registered with this email address.")
    )
    # What was right stays typed in and is not marked.
    expect(page.locator("input[name=last_name]")).to_have_value("Коваленко")
    expect(page.locator("input[name=last_name]")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("input[name=first_name]")).not_to_have_attribute("aria-invalid", "true")
    # Every visible input has a label a screen reader announces.
    unlabelled = page.locator("main input:not([type=hidden])").evaluate_all(
        "inputs => inputs.filter(input => input.labels.length === 0).map(input => input.name)"
    )
    assert unlabelled == []

    assert User.objects.count() == 1
    assert mail.outbox == []


def one_time_code(secret: str) -> str:
    """What an authenticator app shows now for ``secret``."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def test_staff_must_set_up_two_factor_before_the_cabinet(page, settings):
    # Accept the previous and the next 30 s code too, so a period boundary does not matter.
    settings.MFA_TOTP_TOLERANCE = 1
    operator = UserFactory(roles=["operator"])
    operator.refresh_from_db()
    assert operator.is_staff
    totp_setup = re.compile(r"^https?://[^/]+/accounts/2fa/totp/activate/(\?.*)?$")

    page.goto("/accounts/login/")
    log_in(page, operator.email, PASSWORD)
    if "/accounts/reauthenticate/" in page.url:
        # allauth asks for the password again before it shows a TOTP secret.
        page.locator("input[name=password]").fill(PASSWORD)
        submit(page, page.get_by_role("main").get_by_role("button", name=tr("Confirm")))
    expect(page).to_have_url(totp_setup)
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("Activate Authenticator App"))

    # The cabinet stays closed, with a word on why.
    page.goto("/cabinet/")
    expect(page).to_have_url(totp_setup)
    expect(page.get_by_role("status")).to_contain_text(
        tr("Staff accounts must use two-factor authentication. Set it up to continue.")
    )
    expect(page.get_by_role("heading", name=tr("My cabinet"))).to_have_count(0)

    # Set it up, as an authenticator app would: from the secret shown on the page.
    secret = page.get_by_label(tr("Authenticator secret")).input_value()
    page.locator("input[name=code]").fill(one_time_code(secret))
    submit(page, page.get_by_role("button", name=tr("Activate"), exact=True))
    assert Authenticator.objects.filter(user=operator, type=Authenticator.Type.TOTP).exists()

    page.goto("/cabinet/")
    if "/accounts/2fa/reauthenticate/" in page.url:
        # The session may have to pass the new second factor once, with a code from the app.
        page.locator("input[name=code]").fill(one_time_code(secret))
        submit(page, page.get_by_role("main").get_by_role("button", name=tr("Confirm")))
    expect(page).to_have_url(path_is("/cabinet/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("My cabinet"))
