"""The open API in the browser, on a phone: an administrator issues a partner's Open311 key
in the admin (shown once), the partner files a request with it, and the interactive API
documentation works with every address outside the site blocked (its assets are local)."""

import re

import pytest
from playwright.sync_api import expect

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory
from hromada.appeals.models import Appeal
from hromada.appeals.tests.factories import INSIDE, CategoryFactory, district
from hromada.integrations.models import ApiKey
from hromada.integrations.tests.factories import PartnerFactory

from .support import tr
from .test_accessibility import violations
from .test_appeals import axe, log_in, submit  # noqa: F401  (axe is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_issues_a_key_and_the_partner_files_with_it(page, axe, settings):  # noqa: F811
    settings.STAFF_MFA_REQUIRED = False  # the journey is the key's, not the second factor's
    district("centre")
    CategoryFactory(slug="roads", name="Дороги")
    partner = PartnerFactory(name="ГО «Місто без ям»")
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(admin.email)
    page.locator("input[name=password]").fill("correct-horse-battery-42")
    submit(page, page.locator("main form button[type=submit]"))

    page.goto("/admin/integrations/apikey/add/")
    found = {"add key": violations(page, axe)}
    page.get_by_label(tr("name")).fill("Застосунок «Мій двір»")
    page.get_by_label(tr("partner organisation")).select_option(label=partner.name)
    page.get_by_label(tr("scope")).select_option("open311")
    page.get_by_label(tr("requests per minute")).fill("30")
    submit(page, page.locator("input[name=_save]"))
    message = page.locator(".messagelist").inner_text()
    plain = re.search(r"hrm_\S+", message).group(0)
    found["key shown"] = violations(page, axe)
    key = ApiKey.objects.get()
    assert key.rate_limit == 30 and key.prefix in plain
    # Shown once: the key's own page knows only its prefix.
    page.goto(f"/admin/integrations/apikey/{key.pk}/change/")
    expect(page.locator("body")).not_to_contain_text(plain)
    expect(page.locator("body")).to_contain_text(key.prefix)

    answer = page.request.post(
        "/open311/v2/requests.json",
        form={
            "api_key": plain,
            "service_code": "roads",
            "lat": str(INSIDE["latitude"]),
            "long": str(INSIDE["longitude"]),
            "first_name": "Оксана",
            "last_name": "Петренко",
            "email": "oksana@example.com",
            "description": "Яма біля зупинки",
        },
    )
    assert answer.status == 201, answer.text()
    appeal = Appeal.objects.get(pk=answer.json()[0]["service_request_id"])
    assert appeal.open311.partner == partner
    assert {k: v for k, v in found.items() if v} == {}


def test_the_api_documentation_works_offline(page, live_server):
    outside = []

    def only_the_site(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_site)
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Hromada API")
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    expect(page.get_by_text("/api/v1/appeals/mine").first).to_be_attached()
    assert outside == []
