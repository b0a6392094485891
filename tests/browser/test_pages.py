"""Pages in the browser: keyboard use, language switch, layout on narrow screens."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from .support import main_menu, path_is, tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What a keyboard can reach, in document order; each gets a probe number to recognise it by.
MARK_INTERACTIVE = """() => {
  const selector = 'a[href], button, input, select, textarea, summary, [tabindex]';
  const elements = [...document.querySelectorAll(selector)].filter((el) =>
    !el.disabled && el.type !== 'hidden' && el.tabIndex >= 0 && el.getClientRects().length > 0);
  elements.forEach((el, index) => { el.dataset.probe = String(index); });
  return elements.map((el) => `${el.tagName.toLowerCase()} "${el.textContent.trim()}"`);
}"""

# The focused element: its probe number and whether a person can see where the focus is.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el.dataset.probe === undefined) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  const onScreen = box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
    && box.top < window.innerHeight && box.left < window.innerWidth;
  return {probe: Number(el.dataset.probe), indicator: outline || shadow, onScreen};
}"""


def test_skip_link_is_first_and_moves_to_main_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=tr("Skip to main content"))
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page).to_have_url(path_is("/#main"))
    expect(page.get_by_role("main")).to_be_focused()
    # The next Tab goes on from the main content, not from the header.
    page.keyboard.press("Tab")
    first_in_main = page.get_by_role("main").get_by_role("link", name=tr("Create an account"))
    expect(first_in_main).to_be_focused()


def test_every_control_on_the_home_page_is_reachable_by_tab_with_visible_focus(page):
    page.goto("/")
    controls = page.evaluate(MARK_INTERACTIVE)
    assert len(controls) >= 5, controls  # skip link, brand, language, menu, calls to action

    reached = []
    for _ in range(len(controls) + 2):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (reached and focused["probe"] == reached[0]):
            break  # out of the page, or round to the start again
        control = controls[focused["probe"]]
        assert focused["indicator"], f"no visible focus indicator on {control}"
        assert focused["onScreen"], f"{control} has the focus but is off the screen"
        reached.append(focused["probe"])

    assert [controls[i] for i in reached] == controls


def test_language_switcher_goes_to_english_and_back(page, live_server):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "uk")

    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(f"{live_server.url}/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_title(re.compile(re.escape(settings.CITY_NAME_EN)))
    menu = main_menu(page, "en")
    expect(menu.get_by_role("link", name=tr("Sign in", "en"), exact=True)).to_be_visible()

    page.get_by_role("button", name="Українська").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page).to_have_title(re.compile(re.escape(settings.CITY_NAME)))
    menu = main_menu(page)
    expect(menu.get_by_role("link", name=tr("Sign in"), exact=True)).to_be_visible()


@pytest.mark.parametrize("path", ["/", "/en/", "/accounts/signup/", "/accounts/login/"])
def test_no_horizontal_scrolling_at_320_px(new_page, path):
    page = new_page(viewport={"width": 320, "height": 640})
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("window.innerWidth") == 320
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= 320, f"{path} is {scroll_width} px wide at 320 px"


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_page_heading_has_room_below_the_header(page, path):
    page.goto(path)
    header = page.get_by_role("banner").bounding_box()
    heading = page.get_by_role("heading", level=1).bounding_box()
    gap = heading["y"] - (header["y"] + header["height"])
    assert gap >= 16, f"the heading of {path} is {gap:.0f} px below the header"


def test_phone_menu_is_folded_behind_one_button_and_opens_and_closes_by_keyboard(page):
    page.goto("/")
    menu = page.get_by_role("navigation", name=tr("Main menu"))
    toggle = menu.get_by_role("button", name=tr("Menu"))
    sign_in = menu.get_by_role("link", name=tr("Sign in"), exact=True)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(sign_in).to_be_hidden()
    # Folded, the header is two short rows: the page's heading is on the first screen.
    expect(page.get_by_role("heading", level=1)).to_be_in_viewport()
    header = page.get_by_role("banner").bounding_box()
    assert header["height"] <= 200, f"the phone header is {header['height']:.0f} px tall"

    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(sign_in).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(sign_in).to_be_hidden()


def test_wide_screen_shows_the_whole_menu_without_the_button(new_page):
    page = new_page(viewport={"width": 1280, "height": 800})
    page.goto("/")
    menu = page.get_by_role("navigation", name=tr("Main menu"))
    expect(menu.get_by_role("button", name=tr("Menu"))).to_be_hidden()
    expect(menu.get_by_role("link", name=tr("Sign in"), exact=True)).to_be_visible()
