"""Surveys offered after a served ticket and an answered appeal, to their owner only; the
rating is tied to the ticket, once per ticket, and counts for the queue's addressee."""

from urllib.parse import quote

import pytest
from django.test import Client

from hromada.accounts.tests.factories import UserFactory
from hromada.appeals.models import State as AppealState
from hromada.appeals.tests.factories import submit
from hromada.core.errors import Conflict, NotFound
from hromada.equeue import services as equeue
from hromada.equeue.tests.factories import MONDAY, at, book, make_queue, staff_of
from hromada.surveys import services
from hromada.surveys.models import QualityScore
from hromada.surveys.responses import response_submit
from hromada.surveys.tests.factories import administrator, good_answers, make_survey

pytestmark = pytest.mark.django_db


def _served_ticket():
    import time_machine

    queue = make_queue()
    citizen = UserFactory()
    with time_machine.travel(MONDAY, tick=False):
        booking = book(queue, citizen, starts_at=at(0, 10))
        equeue.booking_mark(actor=staff_of(queue), booking_id=booking.pk, action="serve")
    booking.refresh_from_db()
    return queue, citizen, booking


def test_a_served_ticket_offers_the_queue_survey_to_its_holder_only():
    queue, citizen, booking = _served_ticket()
    admin = administrator()
    survey = make_survey(actor=admin, addressee=queue.addressee, publish=False)
    services.survey_update(admin, survey_id=survey.pk, queue_id=queue.pk, offer_after_ticket=True)
    services.survey_publish(admin, survey_id=survey.pk)
    holder = Client()
    holder.force_login(citizen)
    page = holder.get(booking.get_absolute_url())
    link = f"{survey.get_absolute_url()}?ticket={booking.code}"
    assert link in page.text
    # Someone else cannot even see the ticket; the offer is not theirs to take either.
    stranger = UserFactory()
    with pytest.raises(NotFound):
        response_submit(
            stranger, survey_id=survey.pk, answers=good_answers(survey), ticket=booking.code
        )
    response_submit(
        citizen, survey_id=survey.pk, answers=good_answers(survey, stars=4), ticket=booking.code
    )
    assert link not in holder.get(booking.get_absolute_url()).text
    with pytest.raises(Conflict):
        response_submit(
            citizen, survey_id=survey.pk, answers=good_answers(survey), ticket=booking.code
        )
    score = QualityScore.objects.get(addressee=queue.addressee)
    assert score.ratings == 1 and score.stars == 4


def test_the_built_in_quality_form_is_offered_after_an_answered_appeal():
    from hromada.surveys.models import Survey

    author = UserFactory()
    appeal = submit(author)
    quality = Survey.objects.get(builtin="quality")
    type(appeal).objects.filter(pk=appeal.pk).update(state=AppealState.ANSWERED)
    appeal.refresh_from_db()
    client = Client()
    client.force_login(author)
    page = client.get(appeal.get_absolute_url())
    assert f"{quality.get_absolute_url()}?appeal={quote(appeal.number)}" in page.text
    rating = quality.questions.get(counts_for_quality=True)
    response_submit(author, survey_id=quality.pk, answers={rating.key: 5}, appeal=appeal.number)
    if appeal.addressee_id:
        assert QualityScore.objects.get(addressee_id=appeal.addressee_id).stars == 5
    other = Client()
    other.force_login(UserFactory())
    assert other.get(appeal.get_absolute_url()).status_code == 404
