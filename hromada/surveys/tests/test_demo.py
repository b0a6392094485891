import io

import pytest
from django.urls import reverse

from hromada.accounts import demo as accounts
from hromada.directory import demo as directory
from hromada.equeue import demo as equeue
from hromada.surveys import demo, selectors
from hromada.surveys.models import QualityScore, Response, Survey

pytestmark = pytest.mark.django_db


def test_the_demo_surveys_load_once_with_answers_and_a_quality_history(client):
    out = io.StringIO()
    accounts.load(stdout=out)
    directory.load(stdout=out)
    equeue.load(stdout=out)
    demo.load(stdout=out)
    responses = Response.objects.count()
    assert responses == 320 + 180 + 120 + 90 + 40
    demo.load(stdout=out)
    assert Response.objects.count() == responses
    cnap = Survey.objects.get(slug="yakist-cnap")
    assert cnap.response_count == 320
    assert QualityScore.objects.filter(addressee=cnap.addressee).count() >= 6
    ratings, average = selectors.quality_summary(selectors.quality_history(cnap.addressee_id))
    assert ratings == 320 and 3.5 < average < 5
    old = Survey.objects.get(slug="marshruty-2025")
    assert old.state == Survey.State.ARCHIVED and old.response_count == 90
    page = client.get(cnap.addressee.get_absolute_url())
    assert cnap.get_absolute_url() in page.text
    assert reverse("surveys:quality", kwargs={"slug": cnap.addressee.slug}) in page.text
    assert (
        client.get(reverse("surveys:quality", kwargs={"slug": cnap.addressee.slug})).status_code
        == 200
    )
