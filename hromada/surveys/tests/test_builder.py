"""The builder: questions lock once answered, a new version archives the old one with its
results, the built-in forms exist from the migration and pass their key to a new version."""

import pytest

from hromada.accounts.tests.factories import UserFactory
from hromada.core.errors import Conflict, ValidationFailed
from hromada.surveys import services
from hromada.surveys.models import Option, Question, Survey
from hromada.surveys.responses import response_submit
from hromada.surveys.tests.factories import administrator, good_answers, make_survey

pytestmark = pytest.mark.django_db


def test_the_three_built_in_forms_exist_after_migrating():
    forms = dict(
        Survey.objects.exclude(builtin="").values_list("builtin", "title").order_by("builtin")
    )
    assert forms == {
        "complaint": "Поскаржитись",
        "proposal": "Внести пропозицію",
        "quality": "Оцінити якість",
    }
    quality = Survey.objects.get(builtin="quality")
    rating = quality.questions.get(counts_for_quality=True)
    assert list(rating.options.values_list("value", flat=True)) == [1, 2, 3, 4, 5]


def test_a_choice_question_needs_two_options():
    survey = make_survey(publish=False)
    count = Question.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.question_save(
            administrator(), survey_id=survey.pk, kind="single", text="Так?", options=["Так"]
        )
    assert refused.value.code == "too_few_options"
    assert Question.objects.count() == count


def test_an_answered_survey_keeps_its_questions():
    admin = administrator()
    survey = make_survey(actor=admin)
    response_submit(UserFactory(), survey_id=survey.pk, answers=good_answers(survey))
    question = survey.questions.first()
    with pytest.raises(Conflict) as refused:
        services.question_save(
            admin, survey_id=survey.pk, question_id=question.pk, kind="short_text", text="Інше"
        )
    assert refused.value.code == "survey_locked"
    with pytest.raises(Conflict):
        services.question_delete(admin, survey_id=survey.pk, question_id=question.pk)
    assert Question.objects.get(pk=question.pk).kind == question.kind


def test_replacing_a_built_in_form_keeps_the_old_results():
    admin = administrator()
    old = Survey.objects.get(builtin="quality")
    response_submit(UserFactory(), survey_id=old.pk, answers={old.questions.first().key: 4})
    old_counts = list(Option.objects.filter(question__survey=old).values_list("pk", "count"))
    new = services.survey_replace(admin, survey_id=old.pk)
    assert new.state == Survey.State.DRAFT and new.builtin == "" and new.questions.count() == 6
    # Until the new version is published the old one keeps answering.
    assert Survey.objects.get(pk=old.pk).state == Survey.State.PUBLISHED
    services.question_save(admin, survey_id=new.pk, kind="short_text", text="Ваш район")
    services.survey_publish(admin, survey_id=new.pk)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.state == Survey.State.ARCHIVED and old.archived_at is not None
    assert new.builtin == "quality" and old.builtin == "quality"
    assert old.response_count == 1
    assert list(Option.objects.filter(question__survey=old).values_list("pk", "count")) == (
        old_counts
    )
    with pytest.raises(Conflict):
        services.survey_replace(admin, survey_id=old.pk)


def test_closing_dates_in_order():
    with pytest.raises(ValidationFailed):
        from datetime import datetime, timedelta

        from django.utils import timezone

        now = timezone.make_aware(datetime(2026, 3, 2, 9))
        services.survey_create(
            administrator(), title="Опитування", opens_at=now, closes_at=now - timedelta(days=1)
        )


def test_sections_group_questions_and_can_go_without_losing_them():
    admin = administrator()
    survey = make_survey(actor=admin, publish=False)
    section = services.section_save(admin, survey_id=survey.pk, title="Про візит", order=1)
    question = survey.questions.first()
    services.question_save(
        admin,
        survey_id=survey.pk,
        question_id=question.pk,
        kind=question.kind,
        text=question.text,
        section_id=section.pk,
    )
    from hromada.surveys import selectors

    blocks = selectors.survey_form(survey)
    assert [b["section"] for b in blocks] == [None, section]
    assert [q.pk for q in blocks[1]["questions"]] == [question.pk]
    services.section_delete(admin, survey_id=survey.pk, section_id=section.pk)
    assert Question.objects.get(pk=question.pk).section is None
