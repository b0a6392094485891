import pytest
from django.utils import translation

from hromada.accounts.tests.factories import UserFactory
from hromada.messaging.tests.peers import HTTPPeer, SMTPServer


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback, and Django's SMTP backend pointed at it."""
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 10
        yield server


@pytest.fixture
def http_peer():
    with HTTPPeer() as peer:
        yield peer


@pytest.fixture
def citizen(db):
    return UserFactory()


@pytest.fixture(autouse=True)
def english():
    """Services speak the active language; these tests read their messages in English."""
    with translation.override("en"):
        yield
