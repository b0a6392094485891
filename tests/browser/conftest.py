"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

The live server runs in a thread of the test process, so the tests can read the database
and ``mail.outbox`` directly.

Playwright's sync API parks an asyncio event loop in the test thread. While it runs, Django
takes the thread for async code and refuses ORM calls (hence DJANGO_ALLOW_ASYNC_UNSAFE), and
``async_to_sync`` or ``asyncio.run`` would fail there. So each test process starts one
Chromium for its browser tests and stops it again as soon as the next test is not a browser
test: the other tests in the same process never see the loop.
"""

import os

import pytest
from django.core.cache import cache

from .support import CHROMIUM, CHROMIUM_ARGS, PHONE, TIMEOUT_MS, screenshot_dir

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


class Chromium:
    """Playwright with one headless Chromium, started on first use, stopped on request."""

    def __init__(self):
        self._playwright = None
        self.browser = None

    def get(self):
        if self.browser is None:
            from playwright.sync_api import expect, sync_playwright

            expect.set_options(timeout=TIMEOUT_MS)
            self._playwright = sync_playwright().start()
            try:
                self.browser = self._playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
                )
            except BaseException:
                self.stop()
                raise
        return self.browser

    def stop(self):
        playwright, browser = self._playwright, self.browser
        self._playwright = self.browser = None
        try:
            if browser is not None:
                browser.close()
        finally:
            if playwright is not None:
                playwright.stop()


@pytest.fixture(scope="session")
def chromium():
    """The test process's Chromium (one per xdist worker)."""
    process = Chromium()
    yield process
    process.stop()


@pytest.fixture
def browser(chromium):
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium package (make browser-deps)"
        if os.environ.get("HROMADA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"HROMADA_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return chromium.get()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the last of a run of browser tests, stop Chromium and Playwright's loop."""
    result = yield
    chromium = item.funcargs.get("chromium")
    if chromium is not None and "chromium" not in getattr(nextitem, "fixturenames", ()):
        chromium.stop()
    return result


@pytest.fixture
def new_page(request, browser, live_server, transactional_db, tmp_path):
    """Open a page in a fresh context: a phone in Ukrainian unless ``options`` say otherwise."""
    # The test settings keep the cache (rate-limit counters) in a table that a transactional
    # test's flush leaves alone: sign-ups from 127.0.0.1 would add up across tests.
    cache.clear()
    contexts = request.node.browser_contexts = []
    request.node.browser_screenshot_dir = tmp_path

    def open_page(**options):
        context = browser.new_context(
            base_url=live_server.url, locale="uk-UA", **{**PHONE, **options}
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A page on a phone, in Ukrainian."""
    return new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, keep a screenshot of every page it had open."""
    report = yield
    contexts = getattr(item, "browser_contexts", None)
    if report.when == "call" and report.failed and contexts:
        directory = screenshot_dir(item.browser_screenshot_dir)
        shots = []
        for number, context in enumerate(contexts):
            for index, open_page in enumerate(context.pages):
                path = directory / f"failure-{item.name}-{number}-{index}.png"
                try:
                    open_page.screenshot(path=str(path), full_page=True)
                except Exception as exc:  # the page may be gone; the failure matters more
                    shots.append(f"{open_page.url}: no screenshot ({exc})")
                else:
                    shots.append(f"{open_page.url}: {path}")
        report.sections.append(("browser pages at the failure", "\n".join(shots)))
    return report
