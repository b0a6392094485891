"""Answering: counts kept exact with each response, bad input refused with nothing stored."""

import pytest

from hromada.accounts.tests.factories import UserFactory
from hromada.core.errors import Conflict, PermissionDenied, ValidationFailed
from hromada.surveys import selectors
from hromada.surveys.models import Answer, Option, QualityScore, Response, Survey
from hromada.surveys.responses import response_submit
from hromada.surveys.tests.factories import good_answers, make_survey, q

pytestmark = pytest.mark.django_db


def _counts(survey):
    return (
        Survey.objects.get(pk=survey.pk).response_count,
        list(Option.objects.filter(question__survey=survey).values_list("count", flat=True)),
        Response.objects.count(),
        Answer.objects.count(),
    )


def test_a_response_updates_every_counter():
    survey = make_survey()
    response_submit(UserFactory(), survey_id=survey.pk, answers=good_answers(survey, stars=5))
    response_submit(UserFactory(), survey_id=survey.pk, answers=good_answers(survey, stars=3))
    survey.refresh_from_db()
    assert survey.response_count == 2
    results = {r.question.kind: r for r in selectors.survey_results(survey)}
    rating = results["rating"]
    assert rating.answered == 2 and rating.average == 4.0
    assert [s.count for s in rating.shares] == [0, 0, 1, 0, 1]
    assert [s.percent for s in rating.shares] == [0, 0, 50.0, 0, 50.0]
    multiple = results["multiple"]
    assert [s.count for s in multiple.shares] == [2, 2, 0, 2]  # the last is "other"
    assert results["scale"].nps == 100
    assert results["short_text"].answered == 2
    score = QualityScore.objects.get(addressee=survey.addressee)
    assert (score.ratings, score.stars) == (2, 8)


def test_second_response_of_a_person_is_refused_and_nothing_changes():
    survey = make_survey()
    person = UserFactory()
    response_submit(person, survey_id=survey.pk, answers=good_answers(survey))
    before = _counts(survey)
    with pytest.raises(Conflict) as refused:
        response_submit(person, survey_id=survey.pk, answers=good_answers(survey))
    assert refused.value.code == "already_answered"
    assert "already answered" in refused.value.message
    assert _counts(survey) == before


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda s, a: a.pop(q(s, "rating").key), "required"),
        (lambda s, a: a.update({q(s, "rating").key: 7}), "foreign_option"),
        (
            lambda s, a: a.update({q(s, "single").key: q(s, "multiple").options.first().pk}),
            "foreign_option",
        ),
        (lambda s, a: a.update({q(s, "date").key: "2 березня"}), "invalid_date"),
        (lambda s, a: a.update({q(s, "short_text").key: "x" * 301}), "too_long"),
        (lambda s, a: a.update({"q999999": "так"}), "unknown_question"),
        (
            lambda s, a: a.update(
                {q(s, "single").key: [o.pk for o in q(s, "single").options.all()]}
            ),
            "invalid_answer",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_stored(change, code):
    survey = make_survey()
    answers = good_answers(survey)
    change(survey, answers)
    before = _counts(survey)
    with pytest.raises(ValidationFailed) as refused:
        response_submit(UserFactory(), survey_id=survey.pk, answers=answers)
    assert refused.value.code == code
    assert refused.value.message
    assert _counts(survey) == before


def test_anonymous_answers_only_where_allowed():
    from django.contrib.auth.models import AnonymousUser

    survey = make_survey()
    with pytest.raises(PermissionDenied):
        response_submit(AnonymousUser(), survey_id=survey.pk, answers=good_answers(survey))
    assert Response.objects.count() == 0
    Survey.objects.filter(pk=survey.pk).update(allow_anonymous=True)
    response_submit(AnonymousUser(), survey_id=survey.pk, answers=good_answers(survey))
    response_submit(AnonymousUser(), survey_id=survey.pk, answers=good_answers(survey))
    assert Response.objects.filter(respondent=None).count() == 2


def test_a_closed_survey_takes_no_answers():
    survey = make_survey()
    Survey.objects.filter(pk=survey.pk).update(state=Survey.State.CLOSED)
    with pytest.raises(Conflict):
        response_submit(UserFactory(), survey_id=survey.pk, answers=good_answers(survey))
    assert Response.objects.count() == 0
