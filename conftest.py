import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request through LocaleMiddleware (an /en/
    page) leaves its language active in the thread, and the next test would inherit it."""
    translation.deactivate()
    yield
    translation.deactivate()
