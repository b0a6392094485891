import io

import pytest
from django.core.management import call_command

from hromada.situation.models import Address, AppealFact, Support

pytestmark = pytest.mark.django_db


def test_the_demo_loads_twice_without_change(settings):
    settings.DEBUG = True
    call_command("demo_data", stdout=io.StringIO())
    first = (Address.objects.count(), AppealFact.objects.count(), Support.objects.count())
    assert all(first)
    call_command("demo_data", stdout=io.StringIO())
    assert (Address.objects.count(), AppealFact.objects.count(), Support.objects.count()) == first
