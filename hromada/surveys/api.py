"""The surveys' JSON API (/api/v1/surveys/): open surveys and the archive, one survey with its
questions, answering (signed in), and public results.

Anonymous answers go through the page, where the check question is asked; the API takes
answers from signed-in residents only, each once per survey (409 `already_answered`).
"""

from datetime import datetime
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from hromada.core.errors import NotFound, PermissionDenied
from hromada.core.pagination import (
    HAS_MORE_DESCRIPTION,
    NEXT_CURSOR_DESCRIPTION,
    PageQuery,
    offset_page,
)
from hromada.surveys import limits, selectors
from hromada.surveys.models import Survey
from hromada.surveys.responses import response_submit

router = Router(tags=["surveys"])
REFUSALS = frozenset({400, 401, 403, 404, 409, 422, 429})


class ErrorOut(Schema):
    error: dict[str, Any]


def answers(status: int, schema) -> dict:
    return {status: schema, REFUSALS: ErrorOut}


class SurveyBriefOut(Schema):
    slug: str
    title: str
    state: str
    category: str | None
    addressee: dict[str, str] | None
    builtin: str
    response_count: int
    allow_anonymous: bool
    results_public: bool
    opens_at: datetime | None
    closes_at: datetime | None
    url: str


class SurveyOptionOut(Schema):
    id: int
    label: str
    value: int | None


class SurveyQuestionOut(Schema):
    key: str
    kind: str
    text: str
    help_text: str
    is_required: bool
    allow_other: bool
    section: str | None
    options: list[SurveyOptionOut]


class SurveyOut(SurveyBriefOut):
    description: str
    questions: list[SurveyQuestionOut]


class SurveyResponseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, int | str | list[int]] = Field(
        description='{"q<id>": an option id, or the number of stars / the 0–10 value, or text '
        'or an ISO date; a list of option ids for several of a list; "q<id>_other": the text '
        "of “other”}."
    )
    ticket: str = Field("", max_length=32, description="The code of the served ticket rated.")
    appeal: str = Field("", max_length=40, description="The number of the answered appeal rated.")


class SurveyResponseOut(Schema):
    id: int
    survey: str
    results_url: str


class SurveyShareOut(Schema):
    label: str
    count: int
    percent: float


class SurveyResultOut(Schema):
    key: str
    text: str
    kind: str
    answered: int
    average: float | None
    nps: int | None
    shares: list[SurveyShareOut]


class SurveyResultsOut(Schema):
    slug: str
    title: str
    response_count: int
    questions: list[SurveyResultOut]


def _brief(survey: Survey) -> dict:
    return {
        "slug": survey.slug,
        "title": survey.title,
        "state": survey.state,
        "category": survey.category.name if survey.category_id else None,
        "addressee": (
            {"slug": survey.addressee.slug, "name": survey.addressee.name}
            if survey.addressee_id
            else None
        ),
        "builtin": survey.builtin,
        "response_count": survey.response_count,
        "allow_anonymous": survey.allow_anonymous,
        "results_public": survey.results_visibility == Survey.Visibility.PUBLIC,
        "opens_at": survey.opens_at,
        "closes_at": survey.closes_at,
        "url": survey.get_absolute_url(),
    }


def _survey(request, slug: str) -> Survey:
    survey = selectors.survey_by_slug(request.user, slug)
    if survey is None:
        raise NotFound(_("No such survey."))
    return survey


class SurveyPageOut(Schema):
    items: list[SurveyBriefOut]
    next_cursor: str | None = Field(description=NEXT_CURSOR_DESCRIPTION)
    has_more: bool = Field(description=HAS_MORE_DESCRIPTION)


@router.get("/", response=SurveyPageOut, auth=None, summary="Open surveys or the archive")
def survey_list(
    request,
    page: Query[PageQuery],
    category: str | None = None,
    addressee: str | None = None,
    state: Literal["open", "archive"] = "open",
):
    rows = selectors.open_surveys() if state == "open" else selectors.archive()
    if category:
        rows = rows.filter(category__slug=category)
    if addressee:
        rows = rows.filter(addressee__slug=addressee)
    rows, more = offset_page(rows.order_by("-pk"), cursor=page.cursor, limit=page.limit)
    return {"items": [_brief(survey) for survey in rows], **more}


@router.get("/{slug}", response=answers(200, SurveyOut), auth=None, summary="One survey")
def survey_detail(request, slug: str):
    survey = _survey(request, slug)
    questions = [
        {
            "key": question.key,
            "kind": question.kind,
            "text": question.text,
            "help_text": question.help_text,
            "is_required": question.is_required,
            "allow_other": question.allow_other,
            "section": block["section"].title if block["section"] else None,
            "options": [
                {"id": o.pk, "label": o.label, "value": o.value} for o in question.options.all()
            ],
        }
        for block in selectors.survey_form(survey)
        for question in block["questions"]
    ]
    return {**_brief(survey), "description": survey.description, "questions": questions}


@router.post(
    "/{slug}/responses",
    response=answers(201, SurveyResponseOut),
    summary="Answer a survey",
    description="422 `required`, `foreign_option`, `invalid_answer`, `invalid_date`, "
    "`too_long`, `unknown_question`, `empty_response`; 409 `already_answered`, "
    "`survey_closed`; 429 when answering too often.",
)
def survey_answer(request, slug: str, payload: SurveyResponseIn):
    survey = _survey(request, slug)
    limits.refuse_flood(request, anonymous=False)
    response = response_submit(
        request.auth,
        survey_id=survey.pk,
        answers=payload.answers,
        ticket=payload.ticket,
        appeal=payload.appeal,
    )
    return Status(
        201, {"id": response.pk, "survey": survey.slug, "results_url": survey.get_results_url()}
    )


@router.get(
    "/{slug}/results",
    response=answers(200, SurveyResultsOut),
    auth=None,
    summary="Results of a survey, as its visibility allows",
)
def survey_results(request, slug: str):
    survey = _survey(request, slug)
    if not request.user.has_perm("surveys.view_results", survey):
        raise PermissionDenied(_("The results of this survey are not public."))
    survey.refresh_from_db(fields=["response_count"])
    questions = []
    for result in selectors.survey_results(survey):
        question = result.question
        questions.append(
            {
                "key": question.key,
                "text": question.text,
                "kind": question.kind,
                "answered": result.answered,
                "average": result.average,
                "nps": result.nps,
                "shares": [
                    {"label": s.label or _("Other"), "count": s.count, "percent": s.percent}
                    for s in result.shares
                ],
            }
        )
    return {
        "slug": survey.slug,
        "title": survey.title,
        "response_count": survey.response_count,
        "questions": questions,
    }
