"""A resident looks for whom to contact, on a phone."""

import pytest
import time_machine
from playwright.sync_api import expect

from hromada.directory.services import absence_add, addressee_upsert, schedule_set
from hromada.directory.tests.factories import OFFICE_WEEK, GroupFactory
from tests.browser.support import tr

pytestmark = pytest.mark.browser


@pytest.fixture
def city():
    GroupFactory(slug="kp", name="Комунальні підприємства")
    rada = addressee_upsert(slug="rada", kind="council", name="Новоярська міська рада")
    teplo = addressee_upsert(
        slug="kp-teplo",
        kind="communal_enterprise",
        name="КП «Тепломережа»",
        parent=rada,
        competencies=["Опалення", "Гаряча вода"],
        groups=["kp"],
        phones=["0671234567"],
        office_address="вул. Заводська, 7",
        latitude=49.08,
        longitude=33.36,
    )
    schedule_set(addressee=teplo, week=OFFICE_WEEK)
    director = addressee_upsert(
        slug="kp-teplo-dyrektor",
        kind="official",
        name="Директор КП «Тепломережа»",
        person_name="Олійник Петро Степанович",
        parent=teplo,
    )
    from datetime import date

    absence_add(
        addressee=director,
        kind="vacation",
        starts_on=date(2026, 11, 20),
        ends_on=date(2026, 12, 4),
        substitute=teplo,
    )
    return {"teplo": teplo}


@time_machine.travel("2026-11-24 10:00 +02:00", tick=True)
def test_a_resident_finds_the_heating_company_and_sees_it_is_open(page, live_server, city):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name=tr("Whom to contact")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("Whom to contact"))

    # Searching by a topic, typed with another case, finds the company.
    page.get_by_label(tr("Name, official or topic")).fill("ОПАЛЕННЯ")
    page.get_by_role("button", name=tr("Find")).click()
    page.get_by_role("link", name="КП «Тепломережа»").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("КП «Тепломережа»")
    expect(page.get_by_role("status").first).to_contain_text(tr("Open now"))
    expect(page.get_by_role("link", name="+380 67 123 4567")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390

    # The director is on vacation; the page says who stands in.
    page.get_by_role("link", name="Директор КП «Тепломережа»").click()
    status = page.get_by_role("status").first
    expect(status).to_contain_text(tr("Vacation"))
    expect(status.get_by_role("link", name="КП «Тепломережа»")).to_be_visible()


def test_the_tree_opens_and_closes_with_the_keyboard(page, live_server, city):
    page.goto(f"{live_server.url}/directory/")
    summary = page.locator("summary").first
    details = page.locator("details").first
    expect(details).to_have_attribute("open", "")
    summary.focus()
    page.keyboard.press("Enter")
    expect(details).not_to_have_attribute("open", "")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="КП «Тепломережа»")).to_be_visible()


def test_a_group_link_and_the_map_work_at_320_pixels(new_page, live_server, city):
    page = new_page(viewport={"width": 320, "height": 640})
    page.goto(f"{live_server.url}/directory/groups/kp/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Комунальні підприємства")
    page.get_by_role("link", name=tr("Map of offices")).click()
    # The list beside the map carries the same content for people who cannot use a map.
    expect(page.get_by_role("list").get_by_role("link", name="КП «Тепломережа»")).to_be_visible()
    expect(page.locator("#office-map.leaflet-container")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 320
