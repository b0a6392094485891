import pytest
from django.utils import translation

from hromada.appeals.models import RoutingRule
from hromada.appeals.tests.factories import CategoryFactory, district
from hromada.directory.tests.factories import AddresseeFactory
from hromada.integrations.tests.factories import open311_key
from hromada.open311.models import Datatype, ServiceAttribute


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def city(db):
    """A district around (50, 30), two problem-report services, one routed to an addressee."""
    district("centre")
    roads = CategoryFactory(slug="roads", name="Дороги", description="Ями та вибоїни")
    lighting = CategoryFactory(slug="lighting", name="Освітлення")
    CategoryFactory(slug="letters", name="Листи", for_problem_reports=False)
    agency = AddresseeFactory(name="Управління ЖКГ")
    RoutingRule.objects.create(category=roads, addressee=agency)
    ServiceAttribute.objects.create(
        category=roads,
        code="size",
        description="Розмір",
        datatype=Datatype.SINGLEVALUELIST,
        required=True,
        order=1,
        values=[{"key": "small", "name": "Невелика"}, {"key": "large", "name": "Велика"}],
    )
    ServiceAttribute.objects.create(
        category=roads,
        code="kinds",
        description="Що саме",
        datatype=Datatype.MULTIVALUELIST,
        order=2,
        values=[{"key": "pothole", "name": "Яма"}, {"key": "curb", "name": "Бордюр"}],
    )
    ServiceAttribute.objects.create(
        category=roads, code="depth", description="Глибина, см", datatype=Datatype.NUMBER, order=3
    )
    return {"roads": roads, "lighting": lighting, "agency": agency}


@pytest.fixture
def key(city):
    return open311_key()


@pytest.fixture
def client(client):
    """Open311 answers in the client's language (Accept-Language); these tests read English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
