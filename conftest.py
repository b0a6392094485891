import pytest
from django.utils import translation
from hypothesis import settings

# Property tests judge results, not speed: on a busy two-core machine (CI runs two databases'
# suites and the browser beside them) one example can take longer than Hypothesis's default
# 200 ms deadline, which then fails a correct test. Speed is measured in `make bench`.
settings.register_profile("hromada", deadline=None, print_blob=True)
settings.load_profile("hromada")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request through LocaleMiddleware (an /en/
    page) leaves its language active in the thread, and the next test would inherit it."""
    translation.deactivate()
    yield
    translation.deactivate()
