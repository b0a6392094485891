"""The builder's pages for a moderator: create, add questions, preview, publish; the exports
with formula cells neutralised."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hromada.accounts.tests.factories import UserFactory
from hromada.directory.tests.factories import AddresseeFactory
from hromada.surveys.models import Question, Survey
from hromada.surveys.responses import response_submit
from hromada.surveys.tests.factories import good_answers, make_survey, moderator_of, q

pytestmark = pytest.mark.django_db


def test_a_moderator_builds_and_publishes_a_survey(client):
    addressee = AddresseeFactory()
    moderator = moderator_of(addressee)
    client.force_login(moderator)
    created = client.post(
        reverse("surveys:office_new"),
        {
            "title": "Опитування мешканців",
            "addressee": addressee.pk,
            "results_visibility": "public",
        },
    )
    survey = Survey.objects.get(builtin="", addressee=addressee)
    assert created.url == reverse("surveys:office_edit", kwargs={"slug": survey.slug})
    assert survey.slug == "opytuvannia-meshkantsiv" and survey.created_by == moderator
    new_question = reverse("surveys:office_question_new", kwargs={"slug": survey.slug})
    refused = client.post(new_question, {"kind": "single", "text": "Так чи ні?", "options": "Так"})
    assert refused.status_code == 422 and "at least two options" in refused.text
    client.post(new_question, {"kind": "single", "text": "Так чи ні?", "options": "Так\nНі"})
    client.post(new_question, {"kind": "rating", "text": "Оцінка", "is_required": "on"})
    assert list(survey.questions.values_list("kind", flat=True)) == ["single", "rating"]
    preview = client.get(reverse("surveys:office_preview", kwargs={"slug": survey.slug}))
    assert "Preview" in preview.text and "Так чи ні?" in preview.text
    client.post(reverse("surveys:office_action", kwargs={"slug": survey.slug, "action": "publish"}))
    assert Survey.objects.get(pk=survey.pk).state == Survey.State.PUBLISHED
    # Another addressee is not offered to this moderator, and cannot be forced.
    foreign = AddresseeFactory()
    page = client.post(reverse("surveys:office_new"), {"title": "Чуже", "addressee": foreign.pk})
    assert page.status_code == 200 and not Survey.objects.filter(addressee=foreign).exists()


def test_exports_neutralise_formulas(client):
    addressee = AddresseeFactory()
    moderator = moderator_of(addressee)
    survey = make_survey(actor=moderator, addressee=addressee)
    answers = good_answers(survey)
    answers[q(survey, "long_text").key] = '=HYPERLINK("http://evil.example","клік")'
    response_submit(UserFactory(), survey_id=survey.pk, answers=answers)
    client.force_login(moderator)
    url = reverse("surveys:office_export", kwargs={"slug": survey.slug, "fmt": "csv"})
    text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2
    long_text = rows[0].index(q(survey, "long_text").text)
    assert rows[1][long_text].startswith("'=HYPERLINK")
    assert rows[1][rows[0].index(q(survey, "rating").text)] == "5"
    url = reverse("surveys:office_export", kwargs={"slug": survey.slug, "fmt": "xlsx"})
    workbook = load_workbook(io.BytesIO(b"".join(client.get(url).streaming_content)))
    sheet = workbook.active
    values = [cell.value for cell in sheet[2]]
    assert any(str(v).startswith("'=HYPERLINK") for v in values)
    assert all(cell.data_type != "f" for cell in sheet[2])
    assert Question.objects.filter(survey=survey).count() == sheet.max_column - 5
