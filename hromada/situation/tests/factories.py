"""Problem reports for tests, filed through the real intake so that facts and counts follow."""

from hromada.accounts.tests.factories import UserFactory
from hromada.appeals.models import Kind
from hromada.appeals.services import appeal_submit
from hromada.appeals.tests.factories import INSIDE, CategoryFactory, district
from hromada.directory.tests.factories import AddresseeFactory
from hromada.situation.services import address_upsert

__all__ = ["INSIDE", "CategoryFactory", "address", "district", "report"]


def report(author=None, *, category=None, is_public=True, latitude=None, longitude=None, **fields):
    """A problem report in the test district (see appeals' factories: around 50.0, 30.0)."""
    author = author or UserFactory()
    fields.setdefault("subject", "Яма на дорозі")
    fields.setdefault("text", "Глибока яма біля зупинки, машини б'ють колеса.")
    if "addressee" not in fields:
        fields["addressee"] = AddresseeFactory()
    return appeal_submit(
        actor=author,
        kind=Kind.PROBLEM_REPORT,
        category=category or CategoryFactory(),
        latitude=INSIDE["latitude"] if latitude is None else latitude,
        longitude=INSIDE["longitude"] if longitude is None else longitude,
        is_public=is_public,
        **fields,
    )


def address(street="вулиця Шевченка", house="12", latitude=50.001, longitude=30.001):
    return address_upsert(street=street, house=house, latitude=latitude, longitude=longitude)


def signed_in(user):
    """A test client signed in as ``user``; staff pass the second factor as people do."""
    from django.test import Client

    from hromada.accounts.tests.factories import log_in_with_totp

    client = Client()
    if user.is_staff:
        log_in_with_totp(client, user)
    else:
        client.force_login(user)
    return client
