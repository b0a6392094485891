import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Services speak the active language; these tests read their messages in English."""
    with translation.override("en"):
        yield
