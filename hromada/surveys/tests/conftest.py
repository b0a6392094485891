import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Services speak the active language; these tests read their messages in English."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def no_second_factor(settings):
    settings.STAFF_MFA_REQUIRED = False  # the second factor is tested in accounts
