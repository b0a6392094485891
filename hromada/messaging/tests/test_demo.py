import io

import pytest

from hromada.accounts.tests.factories import UserFactory
from hromada.messaging import demo
from hromada.messaging.models import Delivery, MailingTemplate


@pytest.mark.django_db
def test_the_demo_fills_the_residents_inbox_once(settings):
    settings.DEBUG = True
    UserFactory(email=demo.CITIZEN_EMAIL)
    out = io.StringIO()
    demo.load(stdout=out)
    demo.load(stdout=out)
    assert MailingTemplate.objects.count() == len(demo.TEMPLATES)
    inbox = Delivery.objects.filter(user__email=demo.CITIZEN_EMAIL, channel="inbox")
    assert inbox.count() == len(demo.INBOX)
    assert not Delivery.objects.exclude(channel="inbox").exists()  # nothing is e-mailed
