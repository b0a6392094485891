"""No N+1: the lists and the results cost the same number of queries for few rows as for many."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hromada.accounts.tests.factories import UserFactory
from hromada.directory.tests.factories import AddresseeFactory
from hromada.surveys import services
from hromada.surveys.models import Category
from hromada.surveys.responses import response_submit
from hromada.surveys.tests.factories import administrator, good_answers, make_survey

pytestmark = pytest.mark.django_db


def queries_for(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    return len(captured.captured_queries)


def _surveys(count, admin, category):
    for _n in range(count):
        survey = make_survey(actor=admin, addressee=AddresseeFactory(), category_id=category.pk)
        response_submit(UserFactory(), survey_id=survey.pk, answers=good_answers(survey))
        services.survey_close(admin, survey_id=survey.pk)
        services.survey_publish(admin, survey_id=survey.pk)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/surveys/",
        reverse("surveys:centre"),
        reverse("surveys:archive"),
        reverse("surveys:office_list"),
    ],
)
def test_lists(path):
    admin = administrator()
    category = Category.objects.first()
    client = Client()
    client.force_login(admin)
    _surveys(2, admin, category)
    few = queries_for(client, path)
    _surveys(6, admin, category)
    assert queries_for(client, path) == few


def test_archive_rows(client):
    admin = administrator()
    for _n in range(3):
        services.survey_archive(admin, survey_id=make_survey(actor=admin).pk)
    few = queries_for(client, reverse("surveys:archive"))
    for _n in range(5):
        services.survey_archive(admin, survey_id=make_survey(actor=admin).pk)
    assert queries_for(client, reverse("surveys:archive")) == few


def test_results_do_not_depend_on_the_responses(client):
    survey = make_survey()
    response_submit(UserFactory(), survey_id=survey.pk, answers=good_answers(survey))
    few = queries_for(client, survey.get_results_url())
    for _n in range(10):
        response_submit(UserFactory(), survey_id=survey.pk, answers=good_answers(survey))
    assert queries_for(client, survey.get_results_url()) == few
    assert few <= 12


def test_conditional_questions_cost_no_query_each(client):
    """The form, its results and the API read every condition in the same few queries."""
    admin = administrator()
    survey = make_survey(actor=admin, publish=False)
    rating = survey.questions.get(kind="rating")
    low = [o.pk for o in rating.options.filter(value__lte=2)]

    def conditional(count):
        for n in range(count):
            services.question_save(
                admin, survey_id=survey.pk, kind="short_text", text=f"Чому {n}?",
                show_if_options=low,
            )  # fmt: skip

    paths = [
        survey.get_absolute_url(),
        survey.get_results_url(),
        f"/api/v1/surveys/{survey.slug}",
    ]
    conditional(1)
    services.survey_publish(admin, survey_id=survey.pk)
    few = [queries_for(client, path) for path in paths]
    conditional(5)  # no answers yet, so its questions may still change
    assert [queries_for(client, path) for path in paths] == few
