import pytest
from django.utils import translation

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory
from hromada.appeals.tests.factories import staff_of
from hromada.directory.tests.factories import AddresseeFactory


@pytest.fixture
def addressee(db):
    return AddresseeFactory()


@pytest.fixture
def operator(db):
    return UserFactory(roles=[Role.OPERATOR])


@pytest.fixture
def head(addressee):
    """The addressee's responsible member of staff, who assigns its appeals."""
    return staff_of(addressee, responsible=True)


@pytest.fixture
def executor(addressee):
    return staff_of(addressee)


@pytest.fixture
def citizen(db):
    return UserFactory()


@pytest.fixture(autouse=True)
def english():
    """Services speak the active language; these tests read their messages in English."""
    with translation.override("en"):
        yield
