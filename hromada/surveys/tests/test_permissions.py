"""Every action on a survey with four users: anonymous, another citizen, staff without the
right (a moderator of another addressee), staff with it (the addressee's moderator)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory
from hromada.core.errors import NotFound, PermissionDenied
from hromada.directory.tests.factories import AddresseeFactory
from hromada.surveys import services
from hromada.surveys.models import Question, Survey
from hromada.surveys.tests.factories import make_survey, moderator_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    addressee = AddresseeFactory()
    moderator = moderator_of(addressee)
    survey = make_survey(actor=moderator, addressee=addressee, publish=False)
    return {
        "survey": survey,
        "anonymous": AnonymousUser(),
        "citizen": UserFactory(),
        "other_staff": moderator_of(AddresseeFactory()),
        "moderator": moderator,
    }


def _snapshot(survey):
    fresh = Survey.objects.get(pk=survey.pk)
    return (fresh.title, fresh.state, fresh.questions.count())


REFUSED = ["anonymous", "citizen", "other_staff"]


@pytest.mark.parametrize("who", [*REFUSED, "moderator"])
def test_changing_a_survey(world, who):
    survey, actor = world["survey"], world[who]
    before = _snapshot(survey)
    if who == "moderator":
        services.survey_update(actor, survey_id=survey.pk, title="Нова назва")
        assert Survey.objects.get(pk=survey.pk).title == "Нова назва"
        return
    with pytest.raises((NotFound, PermissionDenied)):
        services.survey_update(actor, survey_id=survey.pk, title="Нова назва")
    assert _snapshot(survey) == before


@pytest.mark.parametrize("who", [*REFUSED, "moderator"])
def test_adding_a_question(world, who):
    survey, actor = world["survey"], world[who]
    before = _snapshot(survey)
    call = lambda: services.question_save(  # noqa: E731
        actor, survey_id=survey.pk, kind=Question.Kind.SHORT_TEXT, text="Ще питання"
    )
    if who == "moderator":
        call()
        assert _snapshot(survey)[2] == before[2] + 1
        return
    with pytest.raises((NotFound, PermissionDenied)):
        call()
    assert _snapshot(survey) == before


@pytest.mark.parametrize("who", [*REFUSED, "moderator"])
def test_publishing(world, who):
    survey, actor = world["survey"], world[who]
    if who == "moderator":
        services.survey_publish(actor, survey_id=survey.pk)
        assert Survey.objects.get(pk=survey.pk).state == Survey.State.PUBLISHED
        return
    with pytest.raises((NotFound, PermissionDenied)):
        services.survey_publish(actor, survey_id=survey.pk)
    assert Survey.objects.get(pk=survey.pk).state == Survey.State.DRAFT


@pytest.mark.parametrize("who", [*REFUSED, "moderator"])
def test_creating_a_survey_for_the_addressee(world, who):
    actor, addressee_id = world[who], world["survey"].addressee_id
    count = Survey.objects.count()
    if who == "moderator":
        services.survey_create(actor, title="Ще одне", addressee_id=addressee_id)
        assert Survey.objects.count() == count + 1
        return
    with pytest.raises(PermissionDenied):
        services.survey_create(actor, title="Ще одне", addressee_id=addressee_id)
    assert Survey.objects.count() == count


@pytest.mark.parametrize(
    ("who", "visibility", "status"),
    [
        ("anonymous", "public", 200),
        ("citizen", "public", 200),
        ("anonymous", "staff", 403),
        ("citizen", "staff", 403),
        ("other_staff", "staff", 403),
        ("moderator", "staff", 200),
        ("citizen", "respondents", 403),
        ("moderator", "respondents", 200),
    ],
)
def test_results_as_the_visibility_allows(client, world, who, visibility, status):
    survey = world["survey"]
    services.survey_publish(world["moderator"], survey_id=survey.pk)
    Survey.objects.filter(pk=survey.pk).update(results_visibility=visibility)
    if who != "anonymous":
        client.force_login(world[who])
    assert client.get(survey.get_results_url()).status_code == status
    api = client.get(f"/api/v1/surveys/{survey.slug}/results")
    assert api.status_code == status


@pytest.mark.parametrize("who", [*REFUSED, "moderator"])
def test_exporting_responses(client, world, who):
    survey = world["survey"]
    if who != "anonymous":
        client.force_login(world[who])
    for fmt in ("csv", "xlsx"):
        url = reverse("surveys:office_export", kwargs={"slug": survey.slug, "fmt": fmt})
        response = client.get(url)
        expected = 200 if who == "moderator" else (302 if who == "anonymous" else 404)
        assert response.status_code == expected


@pytest.mark.parametrize("who", [*REFUSED, "moderator"])
def test_builder_pages(client, world, who):
    survey = world["survey"]
    if who != "anonymous":
        client.force_login(world[who])
    page = client.get(reverse("surveys:office_edit", kwargs={"slug": survey.slug}))
    expected = 200 if who == "moderator" else (302 if who == "anonymous" else 404)
    assert page.status_code == expected
    before = _snapshot(survey)
    client.post(reverse("surveys:office_action", kwargs={"slug": survey.slug, "action": "publish"}))
    if who != "moderator":
        assert _snapshot(survey) == before


def test_a_draft_is_hidden_from_residents(client, world):
    survey = world["survey"]
    assert client.get(survey.get_absolute_url()).status_code == 404
    client.force_login(world["citizen"])
    assert client.get(survey.get_absolute_url()).status_code == 404
    client.force_login(world["moderator"])
    assert client.get(survey.get_absolute_url()).status_code == 200


def test_the_administrator_manages_every_survey(world):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    services.survey_update(admin, survey_id=world["survey"].pk, title="Від адміністратора")
    assert Survey.objects.get(pk=world["survey"].pk).title == "Від адміністратора"
