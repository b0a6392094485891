import pytest
import time_machine
from django.utils import translation

from hromada.accounts.tests.factories import UserFactory
from hromada.equeue.tests.factories import MONDAY, make_queue


@pytest.fixture
def queue(db):
    return make_queue()


@pytest.fixture
def citizen(db):
    return UserFactory()


@pytest.fixture
def monday():
    """The clock at 08:00 on a Monday; the queue opens at 09:00."""
    with time_machine.travel(MONDAY, tick=False):
        yield MONDAY


@pytest.fixture(autouse=True)
def english():
    """Services speak the active language; these tests read their messages in English."""
    with translation.override("en"):
        yield
