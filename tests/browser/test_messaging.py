"""Notifications in the browser, on a phone, in Ukrainian: the unread count in the menu, the
inbox, opening a notification, the settings with quiet hours (refused when half given, then
saved), and unsubscribing from an e-mail's link without signing in; every page audited with
axe-core."""

import pytest
from playwright.sync_api import expect

from hromada.accounts.tests.factories import UserFactory
from hromada.messaging.models import Delivery, Kind, Preference, Profile
from hromada.messaging.notify import notification_send
from hromada.messaging.rendering import unsubscribe_token

from .support import main_menu, path_is, tr
from .test_accessibility import violations
from .test_appeals import axe, log_in, submit  # noqa: F401  (axe is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_reads_notifications_and_chooses_how_they_come(page, axe):  # noqa: F811
    resident = UserFactory(last_name="Коваль", first_name="Марія")
    for subject in ("Ваше звернення зареєстровано", "Нагадування про візит до ЦНАП"):
        notification_send(
            kind=Kind.QUEUE, user_id=resident.pk, subject=subject, body="Деталі", url="/queue/"
        )
    log_in(page, resident)
    found = {}

    menu_link = main_menu(page).get_by_role("link", name=tr("Notifications"))
    expect(menu_link).to_contain_text("2")
    submit(page, menu_link)
    expect(page).to_have_url(path_is("/cabinet/notifications/"))
    expect(page.locator("#unread-count")).to_contain_text("2")
    found["inbox"] = violations(page, axe)

    submit(page, page.get_by_role("link", name="Нагадування про візит до ЦНАП", exact=False))
    expect(page).to_have_url(path_is("/queue/"))
    assert Delivery.objects.filter(channel="inbox", opened_at__isnull=False).count() == 1

    page.goto("/cabinet/notifications/settings/")
    found["settings"] = violations(page, axe)
    queue = page.get_by_role("group", name=tr("Electronic queue: bookings and reminders"))
    queue.get_by_label(tr("E-mail")).uncheck()
    page.get_by_label(tr("Quiet hours from")).fill("22:00")
    submit(page, page.get_by_role("button", name=tr("Save")))
    expect(page.locator(".form-errors, .errorlist").first).to_be_visible()
    found["settings with an error"] = violations(page, axe)
    assert not Preference.objects.exists() and not Profile.objects.exists()

    page.get_by_label(tr("Quiet hours until")).fill("07:00")
    submit(page, page.get_by_role("button", name=tr("Save")))
    expect(page.get_by_role("status").first).to_contain_text(
        tr("Your notification settings are saved.")
    )
    assert Preference.objects.get(user=resident, kind=Kind.QUEUE).channels == ["inbox"]
    assert Profile.objects.get(user=resident).quiet_from.hour == 22

    # An e-mail's unsubscribe link works in a browser where nobody is signed in.
    token = unsubscribe_token(kind=Kind.APPEAL_STATUS, user_id=resident.pk, address="")
    page.context.clear_cookies()
    page.goto(f"/unsubscribe/{token}/")
    found["unsubscribe"] = violations(page, axe)
    submit(page, page.get_by_role("button", name=tr("Unsubscribe")))
    expect(page.get_by_role("status").first).to_contain_text(
        tr("Done: these e-mails will not come to you any more.")
    )
    assert "email" not in Preference.objects.get(user=resident, kind=Kind.APPEAL_STATUS).channels
    assert {name: problems for name, problems in found.items() if problems} == {}
