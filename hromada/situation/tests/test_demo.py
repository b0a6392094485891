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
    codes = dict(Address.objects.values_list("pk", "code"))
    assert all(codes.values()), "every demo address has its register code (Open311 address_id)"
    call_command("demo_data", stdout=io.StringIO())
    assert (Address.objects.count(), AppealFact.objects.count(), Support.objects.count()) == first
    assert dict(Address.objects.values_list("pk", "code")) == codes
