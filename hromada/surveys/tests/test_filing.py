"""The complaint and proposal forms register appeals through the appeals app's own intake,
in the response's transaction, linked both ways; never anonymously."""

import csv
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from hromada.accounts.tests.factories import UserFactory
from hromada.appeals.models import Appeal, Event, Kind
from hromada.appeals.tests.factories import staff_of
from hromada.core.errors import PermissionDenied, ValidationFailed
from hromada.directory.tests.factories import AddresseeFactory
from hromada.surveys import services
from hromada.surveys.models import Option, Response, Survey
from hromada.surveys.responses import response_submit
from hromada.surveys.tests.factories import administrator

pytestmark = pytest.mark.django_db


def form(builtin: str) -> Survey:
    return Survey.objects.get(builtin=builtin, state=Survey.State.PUBLISHED)


def complaint_answers(survey: Survey) -> dict:
    questions = {q.kind: q for q in survey.questions.all()}
    single = questions["single"]
    return {
        single.key: single.options.first().pk,
        questions["short_text"].key: "ЦНАП, кабінет 5",
        questions["date"].key: "2026-11-30",
        questions["long_text"].key: "Мені відмовили без пояснень.",
    }


def _stored():
    return (
        Response.objects.count(),
        Appeal.objects.count(),
        sorted(Option.objects.values_list("count", flat=True)),
        Survey.objects.get(builtin="complaint", state="published").response_count,
    )


def test_a_complaint_becomes_an_appeal_to_the_forms_addressee_linked_both_ways():
    addressee = AddresseeFactory()
    survey = form("complaint")
    services.survey_update(administrator(), survey_id=survey.pk, addressee_id=addressee.pk)
    author = UserFactory()
    response = response_submit(author, survey_id=survey.pk, answers=complaint_answers(survey))
    appeal = response.filed_appeal
    assert appeal.kind == Kind.COMPLAINT
    assert appeal.author == author and appeal.author_last_name == "Петренко"
    assert appeal.addressee == addressee
    assert appeal.subject == "Поскаржитись: ЦНАП, кабінет 5"
    assert "Мені відмовили без пояснень." in appeal.text and "30.11.2026" in appeal.text
    assert appeal.survey_response == response
    submitted = appeal.events.get(action=Event.Action.SUBMITTED)
    assert submitted.is_public
    assert f"«Поскаржитись» (response no. {response.pk})" in submitted.comment
    assert submitted.payload["origin"] == {"survey": survey.pk, "response": response.pk}


def test_a_proposal_without_an_addressee_is_routed():
    survey = form("proposal")
    questions = {q.text: q for q in survey.questions.all()}
    sphere = questions["Сфера пропозиції"]
    response = response_submit(
        UserFactory(),
        survey_id=survey.pk,
        answers={
            sphere.key: sphere.options.first().pk,
            questions["Коротко: що пропонуєте"].key: "Велодоріжка на Соборній",
        },
    )
    appeal = response.filed_appeal
    assert appeal.kind == Kind.PROPOSAL
    assert appeal.subject == "Внести пропозицію: Велодоріжка на Соборній"
    assert appeal.events.filter(action=Event.Action.ROUTED).exists()


def test_anonymous_answers_are_refused_with_nothing_stored():
    survey = form("complaint")
    before = _stored()
    with pytest.raises(PermissionDenied) as refused:
        response_submit(AnonymousUser(), survey_id=survey.pk, answers=complaint_answers(survey))
    assert "anonymous" in refused.value.message
    assert _stored() == before


def test_an_incomplete_profile_stores_neither_the_response_nor_the_appeal():
    survey = form("complaint")
    before = _stored()
    with pytest.raises(ValidationFailed) as refused:
        response_submit(
            UserFactory(postal_address=""),
            survey_id=survey.pk,
            answers=complaint_answers(survey),
        )
    assert refused.value.code == "profile_incomplete"
    assert _stored() == before


def test_the_forms_cannot_be_opened_to_anonymous_answers():
    admin = administrator()
    for builtin in ("complaint", "proposal"):
        survey = form(builtin)
        with pytest.raises(ValidationFailed) as refused:
            services.survey_update(admin, survey_id=survey.pk, allow_anonymous=True)
        assert refused.value.code == "anonymous_appeal"
        assert not Survey.objects.get(pk=survey.pk).allow_anonymous
    # Nor can a new version of one, when it is published in the form's place.
    draft = services.survey_replace(admin, survey_id=form("complaint").pk)
    with pytest.raises(ValidationFailed):
        services.survey_update(admin, survey_id=draft.pk, allow_anonymous=True)


def test_the_page_says_why_it_needs_signing_in_and_files_the_appeal(client):
    survey = form("complaint")
    page = client.get(survey.get_absolute_url())
    assert page.status_code == 200
    assert "does not consider anonymous appeals" in page.content.decode()
    assert 'name="challenge"' not in page.content.decode()
    refused = client.post(survey.get_absolute_url(), complaint_answers(survey))
    assert refused.status_code == 403 and Response.objects.count() == 0

    author = UserFactory()
    client.force_login(author)
    page = client.get(survey.get_absolute_url())
    assert "registered as an appeal with your name and address" in page.content.decode()
    sent = client.post(survey.get_absolute_url(), complaint_answers(survey))
    appeal = Appeal.objects.get(author=author)
    assert sent["Location"] == reverse("appeals:detail", kwargs={"pk": appeal.pk})
    detail = client.get(sent["Location"]).content.decode()
    assert appeal.number in detail and "Sent through the form «Поскаржитись»" in detail


def test_an_incomplete_profile_is_told_on_the_form(client):
    client.force_login(UserFactory(postal_address=""))
    page = client.get(form("proposal").get_absolute_url()).content.decode()
    assert "Your profile is not complete yet" in page and "<form" not in page.split("<main")[-1]


def test_who_sees_the_appeal_a_complaint_became(client):
    """Four users: the anonymous and another citizen see nothing of it; staff of another
    addressee neither; the form's addressee's staff see it with its origin."""
    addressee, other = AddresseeFactory(), AddresseeFactory()
    survey = form("complaint")
    services.survey_update(administrator(), survey_id=survey.pk, addressee_id=addressee.pk)
    response = response_submit(
        UserFactory(), survey_id=survey.pk, answers=complaint_answers(survey)
    )
    appeal = response.filed_appeal
    detail = reverse("appeals:detail", kwargs={"pk": appeal.pk})
    office = reverse("appeals:office_detail", kwargs={"pk": appeal.pk})
    assert client.get(detail).status_code in (302, 404)
    client.force_login(UserFactory())
    assert client.get(detail).status_code == 404
    client.force_login(staff_of(other))
    assert client.get(office).status_code in (403, 404)
    client.force_login(staff_of(addressee))
    page = client.get(office)
    assert page.status_code == 200
    assert f"response no. {response.pk}" in page.content.decode()


def test_the_export_names_the_appeal(client):
    survey = form("proposal")
    questions = {q.text: q for q in survey.questions.all()}
    sphere = questions["Сфера пропозиції"]
    response = response_submit(
        UserFactory(),
        survey_id=survey.pk,
        answers={
            sphere.key: sphere.options.first().pk,
            questions["Коротко: що пропонуєте"].key: "Лавки у сквері",
        },
    )
    client.force_login(administrator())
    url = reverse("surveys:office_export", kwargs={"slug": survey.slug, "fmt": "csv"})
    rows = list(
        csv.reader(io.StringIO(b"".join(client.get(url).streaming_content).decode("utf-8-sig")))
    )
    assert rows[1][rows[0].index("Appeal")] == response.filed_appeal.number
