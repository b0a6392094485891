"""Conditional questions: asked only after a matching earlier answer. The builder keeps the
condition sound; answers to a question not asked are refused, and its required-ness applies
only when asked; the page works without a script, the API and the results show the condition."""

import pytest
from django.test import Client
from django.urls import reverse

from hromada.accounts.tests.factories import UserFactory
from hromada.core.errors import ValidationFailed
from hromada.directory.tests.factories import AddresseeFactory
from hromada.surveys import services
from hromada.surveys.models import Answer, Question, Response, Survey
from hromada.surveys.responses import response_submit
from hromada.surveys.tests.factories import administrator, moderator_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    """A rating, then "why?" (required) asked only after 1 or 2 stars."""
    admin = administrator()
    survey = services.survey_create(admin, title="Оцінка", addressee_id=AddresseeFactory().pk)
    rating = services.question_save(
        admin, survey_id=survey.pk, kind="rating", text="Оцініть", is_required=True
    )
    low = [o.pk for o in rating.options.filter(value__lte=2)]
    why = services.question_save(
        admin,
        survey_id=survey.pk,
        kind="long_text",
        text="Чому так низько?",
        is_required=True,
        show_if_options=low,
    )
    return admin, survey, rating, why


def publish(admin, survey) -> Survey:
    return services.survey_publish(admin, survey_id=survey.pk)


def test_the_builder_stores_the_condition(built):
    _admin, _survey, rating, why = built
    assert why.show_if_question == rating
    assert sorted(o.value for o in why.show_if_options.all()) == [1, 2]


def test_the_builder_refuses_an_unsound_condition(built):
    admin, survey, rating, why = built
    single = services.question_save(
        admin, survey_id=survey.pk, kind="single", text="Де?", options=["Тут", "Там"]
    )
    # Options of two questions at once.
    with pytest.raises(ValidationFailed) as refused:
        services.question_save(
            admin,
            survey_id=survey.pk,
            kind="short_text",
            text="Х",
            show_if_options=[rating.options.first().pk, single.options.first().pk],
        )
    assert refused.value.code == "invalid_condition"
    assert not survey.questions.filter(text="Х").exists()
    # On a later question's answer: "why?" cannot depend on a question after it.
    with pytest.raises(ValidationFailed):
        services.question_save(
            admin,
            survey_id=survey.pk,
            question_id=why.pk,
            kind="long_text",
            text="Чому?",
            show_if_options=[single.options.first().pk],
        )
    # Nor can it be moved before the question it depends on.
    with pytest.raises(ValidationFailed) as refused:
        services.question_save(
            admin, survey_id=survey.pk, question_id=why.pk, kind="long_text", text="Чому?",
            order=0, show_if_options=[o.pk for o in why.show_if_options.all()],
        )  # fmt: skip
    assert refused.value.code == "invalid_condition"
    # The question it depends on must stay a list or a scale.
    with pytest.raises(ValidationFailed):
        services.question_save(
            admin, survey_id=survey.pk, question_id=rating.pk, kind="short_text", text="Оцініть"
        )
    why.refresh_from_db()
    assert why.show_if_question_id == rating.pk and why.order > rating.order


def test_editing_the_earlier_question_keeps_the_condition(built):
    admin, survey, rating, why = built
    services.question_save(
        admin, survey_id=survey.pk, question_id=rating.pk, kind="rating", text="Оцініть нас"
    )
    why.refresh_from_db()
    assert sorted(o.value for o in why.show_if_options.all()) == [1, 2]
    assert {o.question_id for o in why.show_if_options.all()} == {rating.pk}


def test_a_new_version_copies_the_condition(built):
    admin, survey, _rating, _why = built
    publish(admin, survey)
    new = services.survey_replace(admin, survey_id=survey.pk)
    why = new.questions.get(kind="long_text")
    assert why.show_if_question == new.questions.get(kind="rating")
    assert sorted(o.value for o in why.show_if_options.all()) == [1, 2]
    assert {o.question.survey_id for o in why.show_if_options.all()} == {new.pk}


def test_required_only_when_asked_and_no_answer_when_not(built):
    admin, survey, rating, why = built
    publish(admin, survey)
    # Five stars: "why?" is not asked, so not required ...
    response_submit(UserFactory(), survey_id=survey.pk, answers={rating.key: 5})
    # ... and an answer to it is refused, with nothing stored.
    with pytest.raises(ValidationFailed) as refused:
        response_submit(
            UserFactory(), survey_id=survey.pk, answers={rating.key: 4, why.key: "Просто так"}
        )
    assert refused.value.code == "hidden_question" and refused.value.field == why.key
    # Two stars: asked, and required.
    with pytest.raises(ValidationFailed) as refused:
        response_submit(UserFactory(), survey_id=survey.pk, answers={rating.key: 2})
    assert refused.value.code == "required"
    response_submit(
        UserFactory(), survey_id=survey.pk, answers={rating.key: 2, why.key: "Довго чекав"}
    )
    assert Response.objects.count() == 2
    assert list(Answer.objects.filter(question=why).values_list("text", flat=True)) == [
        "Довго чекав"
    ]
    why.refresh_from_db()
    assert why.answered_count == 1


def test_the_page_without_a_script(built, client):
    admin, survey, rating, why = built
    publish(admin, survey)
    client.force_login(UserFactory())
    page = client.get(survey.get_absolute_url()).content.decode()
    assert f'data-show-if="{rating.key}" data-show-if-values="1 2"' in page
    assert "Answer only if your answer to «Оцініть» is: 1, 2." in page
    assert "surveys/conditions" in page
    refused = client.post(survey.get_absolute_url(), {rating.key: "5", why.key: "Просто так"})
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "it is asked only after another answer" in body
    assert "Просто так" not in body  # given back empty, so it can be sent again
    assert Response.objects.count() == 0
    sent = client.post(survey.get_absolute_url(), {rating.key: "5"})
    assert sent.status_code == 302 and Response.objects.count() == 1


def test_the_api_and_the_results_show_the_condition(built, client):
    admin, survey, rating, why = built
    publish(admin, survey)
    results_url = survey.get_results_url()  # in English: a request leaves its language active
    detail = client.get(f"/api/v1/surveys/{survey.slug}").json()
    asked = {question["key"]: question["show_if"] for question in detail["questions"]}
    assert asked[rating.key] is None
    assert asked[why.key]["question"] == rating.key
    assert asked[why.key]["values"] == [1, 2]
    assert sorted(asked[why.key]["options"]) == sorted(o.pk for o in why.show_if_options.all())
    results = client.get(results_url).content.decode()
    assert "Asked only of those whose answer to «Оцініть» was: 1, 2." in results


@pytest.mark.parametrize(
    ("who", "saved"), [("anonymous", False), ("citizen", False), ("other", False), ("mod", True)]
)
def test_who_may_make_a_question_conditional(who, saved):
    addressee = AddresseeFactory()
    moderator = moderator_of(addressee)
    survey = services.survey_create(moderator, title="Опитування", addressee_id=addressee.pk)
    rating = services.question_save(moderator, survey_id=survey.pk, kind="rating", text="Оцініть")
    client = Client()
    user = {"citizen": UserFactory(), "other": moderator_of(AddresseeFactory()), "mod": moderator}
    if who in user:
        client.force_login(user[who])
    url = reverse("surveys:office_question_new", kwargs={"slug": survey.slug})
    low = rating.options.get(value=1).pk
    response = client.post(
        url, {"kind": "long_text", "text": "Чому?", "show_if_options": [low], "order": 5}
    )
    made = Question.objects.filter(survey=survey, text="Чому?").first()
    assert (made is not None) == saved, response.status_code
    if saved:
        assert response.status_code == 302 and made.show_if_question == rating
    else:
        assert response.status_code in (302, 403, 404)
        if who == "anonymous":
            assert "/accounts/login/" in response["Location"]
