"""Helpers shared by the browser tests (the fixtures are in conftest.py)."""

import os
import re
from pathlib import Path

from django.utils import translation
from django.utils.text import capfirst

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A phone: what most residents open the site on.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
TIMEOUT_MS = 10_000


def tr(message, language: str = "uk") -> str:
    """``message`` as the site shows it in ``language``, whether or not it is translated yet.

    The tests name things by their visible text; taking it from the catalogs keeps them
    right while translations are being added.
    """
    with translation.override(language):
        return capfirst(str(translation.gettext(message)))


def path_is(path: str) -> re.Pattern:
    """A URL pattern for ``expect(page).to_have_url()``: this path, any host, no query."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}$")


def screenshot_dir(tmp_path: Path) -> Path:
    """HROMADA_SCREENSHOT_DIR if set (to keep and look at them), else the test's temp dir."""
    directory = Path(os.environ.get("HROMADA_SCREENSHOT_DIR") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def main_menu(page, language: str = "uk"):
    """The main menu, opened first where the page folds it behind its button (on a phone)."""
    menu = page.get_by_role("navigation", name=tr("Main menu", language))
    toggle = menu.get_by_role("button", name=tr("Menu", language))
    # The script folds the menu once it has run; wait for that before deciding.
    page.wait_for_load_state("load")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
    return menu
