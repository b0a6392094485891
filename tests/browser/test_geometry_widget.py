"""An administrator draws a work's area on the admin's map instead of typing its GeoJSON; the
textarea beside the map follows, and the work is saved with the drawn polygon."""

import json

import pytest
from playwright.sync_api import expect

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory
from hromada.situation.models import Work

from .support import tr
from .test_appeals import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_draws_the_area_of_works(page, settings):
    settings.STAFF_MFA_REQUIRED = False  # the journey is the map's, not the second factor's
    # No tiles from outside in tests: the drawing does not need them.
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(admin.email)
    page.locator("input[name=password]").fill("correct-horse-battery-42")
    submit(page, page.locator("main form button[type=submit]"))

    page.goto("/admin/situation/work/add/")
    page.get_by_label(tr("what is done")).fill("Ремонт теплотраси")
    page.get_by_label(tr("contractor")).fill("ТОВ «Тепломережа»")
    page.locator("input[name=starts_on]").fill("2026-12-01")
    page.locator("input[name=ends_on]").fill("2026-12-20")
    page.get_by_role("button", name=tr("An area")).click()
    expect(page.get_by_role("button", name=tr("An area"))).to_have_attribute("aria-pressed", "true")
    drawing = page.locator(".geometry-map")
    box = drawing.bounding_box()
    for dx, dy in ((0.3, 0.3), (0.7, 0.3), (0.5, 0.7)):
        drawing.click(position={"x": box["width"] * dx, "y": box["height"] * dy})
    geometry = json.loads(page.locator("textarea[name=geometry]").input_value())
    assert geometry["type"] == "Polygon" and len(geometry["coordinates"][0]) == 4
    submit(page, page.locator("input[name=_save]"))
    work = Work.objects.get()
    assert work.geometry == geometry
    assert work.min_lat < work.max_lat and work.min_lon < work.max_lon
