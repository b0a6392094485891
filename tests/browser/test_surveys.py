"""Answering a survey in the browser, on a phone, in Ukrainian: from the addressee's page to the
results with their charts and tables; the builder's pages of a moderator; every page audited
with axe-core."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from hromada.accounts.tests.factories import UserFactory
from hromada.surveys.models import Response
from hromada.surveys.tests.factories import make_survey, moderator_of, q

from .support import path_is, tr
from .test_accessibility import violations
from .test_appeals import axe, log_in, submit  # noqa: F401  (axe is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_rates_a_service_and_reads_the_results(page, axe):  # noqa: F811
    survey = make_survey(show_on_addressee_page=True)
    resident = UserFactory()
    log_in(page, resident)
    found = {}

    page.goto(survey.addressee.get_absolute_url())
    block = page.get_by_role("region", name=tr("Rate the service"))
    submit(page, block.get_by_role("link", name=survey.title))
    expect(page).to_have_url(path_is(survey.get_absolute_url()))
    found["survey"] = violations(page, axe)

    # The required star rating left empty: refused beside the question, nothing stored.
    page.locator("form.survey-form").evaluate("form => { form.noValidate = true; }")
    page.get_by_label("Ввічливість").check()
    submit(page, page.get_by_role("button", name=tr("Send the answer")))
    expect(page.locator(".form-errors")).to_be_visible()
    expect(page.locator(f"#{q(survey, 'rating').key}-error")).to_be_visible()
    expect(page.get_by_label("Ввічливість")).to_be_checked()
    found["survey with errors"] = violations(page, axe)
    assert Response.objects.count() == 0

    rating = page.get_by_role("group", name=q(survey, "rating").text)
    rating.get_by_text("4 ★").click()
    page.get_by_label("15–30 хв").check()
    page.get_by_label("Що покращити?").fill("Більше вікон прийому")
    submit(page, page.get_by_role("button", name=tr("Send the answer")))

    expect(page).to_have_url(path_is(survey.get_results_url()))
    assert Response.objects.filter(respondent=resident).count() == 1
    expect(page.locator("svg.chart-bar").first).to_be_visible()
    expect(page.locator("svg.chart-pie").first).to_be_visible()
    table = page.locator("table.data-table").first
    expect(table).to_contain_text(re.compile(r"100[.,]0%"))
    found["results"] = violations(page, axe)

    # A second answer gets a clean message.
    page.goto(survey.get_absolute_url())
    rating = page.get_by_role("group", name=q(survey, "rating").text)
    rating.get_by_text("5 ★").click()
    submit(page, page.get_by_role("button", name=tr("Send the answer")))
    with translation.override("uk"):
        already = gettext("You have already answered %(what)s. Thank you!") % {
            "what": gettext("this survey")
        }
    expect(page.locator(".form-errors")).to_contain_text(already)
    assert Response.objects.count() == 1

    for path in (
        "/surveys/",
        "/surveys/archive/",
        f"/surveys/addressees/{survey.addressee.slug}/quality/",
    ):
        page.goto(path)
        found[path] = violations(page, axe)
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_the_builder_pages_pass_an_accessibility_audit(page, axe, settings):  # noqa: F811
    settings.STAFF_MFA_REQUIRED = False  # the audit is of the pages, not of the second factor
    survey = make_survey(publish=False)
    moderator = moderator_of(survey.addressee)
    log_in(page, moderator)
    found = {}
    for name in ("office_list", "office_new", "office_edit", "office_preview"):
        path = {
            "office_list": "/office/surveys/",
            "office_new": "/office/surveys/new/",
            "office_edit": f"/office/surveys/{survey.slug}/",
            "office_preview": f"/office/surveys/{survey.slug}/preview/",
        }[name]
        page.goto(path)
        found[name] = violations(page, axe)
    page.goto(f"/office/surveys/{survey.slug}/")
    submit(page, page.get_by_role("button", name=tr("Publish")))
    expect(page.get_by_text(tr("The survey is open for answers."))).to_be_visible()
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_a_conditional_question_appears_after_a_low_rating(page, axe):  # noqa: F811
    """With the script, "why?" shows only after 1 or 2 stars, and is not sent otherwise."""
    from hromada.surveys import services
    from hromada.surveys.tests.factories import administrator

    survey = make_survey(publish=False)
    admin = administrator()
    rating = q(survey, "rating")
    why = services.question_save(
        admin,
        survey_id=survey.pk,
        kind="long_text",
        text="Чому так низько?",
        is_required=True,
        show_if_options=[o.pk for o in rating.options.filter(value__lte=2)],
    )
    services.survey_publish(admin, survey_id=survey.pk)
    page.goto("/surveys/complaint/")  # signed out: why it needs signing in, and no form
    expect(page.locator("form.survey-form")).to_have_count(0)
    found = {"complaint, signed out": violations(page, axe)}
    log_in(page, UserFactory())
    page.goto(survey.get_absolute_url())
    question = page.locator(f"#field-{why.key}")
    expect(question).to_be_hidden()
    stars = page.get_by_role("group", name=rating.text)
    stars.get_by_text("2 ★").click()
    expect(question).to_be_visible()
    found["conditional question shown"] = violations(page, axe)
    page.get_by_label(why.text).fill("Довго чекав")
    stars.get_by_text("5 ★").click()
    expect(question).to_be_hidden()
    submit(page, page.get_by_role("button", name=tr("Send the answer")))
    expect(page).to_have_url(path_is(survey.get_results_url()))
    response = Response.objects.get()
    assert not response.answers.filter(question=why).exists()
    assert {name: problems for name, problems in found.items() if problems} == {}
