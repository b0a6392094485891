import pytest
from django.utils import translation

from hromada.situation.tests.factories import district


@pytest.fixture
def centre(db):
    """The community: one district around (50.0, 30.0)."""
    return district()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english():
    """Services speak the active language; these tests read their messages in English."""
    with translation.override("en"):
        yield
