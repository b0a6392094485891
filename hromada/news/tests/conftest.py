import pytest
from django.utils import translation

from hromada.directory.tests.factories import AddresseeFactory
from hromada.news.tests.factories import moderator_of


@pytest.fixture(autouse=True)
def english():
    """Services speak the active language; these tests read their messages in English."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STAFF_MFA_REQUIRED = False
    return settings.MEDIA_ROOT


@pytest.fixture
def addressee(db):
    return AddresseeFactory(slug="cnap", name="Центр надання адміністративних послуг")


@pytest.fixture
def moderator(addressee):
    return moderator_of(addressee)
