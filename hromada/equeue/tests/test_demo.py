import io

import pytest

from hromada.accounts import demo as accounts
from hromada.directory import demo as directory
from hromada.equeue import demo, selectors
from hromada.equeue.models import Booking, Queue

pytestmark = pytest.mark.django_db


def test_the_demo_queues_load_once_with_a_deputys_first_thursdays():
    out = io.StringIO()
    accounts.load(stdout=out)
    directory.load(stdout=out)
    demo.load(stdout=out)
    assert Queue.objects.count() == 3
    count = Booking.objects.count()
    assert count > 50
    assert Booking.objects.filter(citizen__email=demo.CITIZEN_EMAIL).exists()
    demo.load(stdout=out)
    assert Booking.objects.count() == count
    deputy = Queue.objects.get(slug="levchenko-pryiom")
    days = selectors.slots_for(deputy, deputy.services.get())
    assert days and all(day.weekday() == 3 and day.day <= 7 for day in days)
