"""Counts stay exact when residents answer at the same moment, on PostgreSQL.

SQLite serialises writers, so the race needs a server database; the suite runs there in CI.
"""

import threading

import pytest
from django.db import connection

from hromada.accounts.tests.factories import UserFactory
from hromada.core.errors import Conflict
from hromada.surveys.models import Answer, Option, QualityScore, Response, Survey
from hromada.surveys.responses import response_submit
from hromada.surveys.tests.factories import good_answers, make_survey

PEOPLE = 16


@pytest.mark.django_db(transaction=True)
def test_concurrent_answers_are_counted_exactly_and_once_per_person():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    survey = make_survey()
    people = [UserFactory() for _ in range(PEOPLE)]
    answers = good_answers(survey)
    barrier = threading.Barrier(PEOPLE * 2)
    stored, refused, errors = [], [], []

    def race(person) -> None:
        try:
            barrier.wait()
            try:
                stored.append(response_submit(person, survey_id=survey.pk, answers=answers).pk)
            except Conflict as exc:
                assert exc.code == "already_answered"
                refused.append(person.pk)
        except Exception as exc:  # a failure in a thread must fail the test
            errors.append(exc)
        finally:
            connection.close()

    # Every person twice at once: one of the two must be refused.
    threads = [threading.Thread(target=race, args=(p,)) for p in people for _twice in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(stored) == PEOPLE and len(refused) == PEOPLE
    assert Response.objects.count() == PEOPLE
    assert Survey.objects.get(pk=survey.pk).response_count == PEOPLE
    for option in Option.objects.filter(question__survey=survey):
        assert option.count == Answer.objects.filter(option=option).count()
    score = QualityScore.objects.get(addressee=survey.addressee)
    assert (score.ratings, score.stars) == (PEOPLE, 5 * PEOPLE)
