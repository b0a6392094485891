"""The surveys' JSON API (/api/v1/surveys/): open surveys and the archive, one survey with its
questions (and the condition of each conditional one), answering, and public results.

A signed-in resident answers once per survey (409 `already_answered`). A survey that allows
anonymous answers takes them here too, as on the page: the request carries no credentials,
a solved check question from `GET …/challenge`, and counts against the same per-address limit.
"""

from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.security import SessionAuth
from pydantic import ConfigDict, Field

from hromada.core.errors import NotFound, PermissionDenied
from hromada.core.pagination import (
    HAS_MORE_DESCRIPTION,
    NEXT_CURSOR_DESCRIPTION,
    PageQuery,
    offset_page,
)
from hromada.integrations.auth import ApiKeyAuth
from hromada.surveys import filing, limits, selectors
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


class SurveyConditionOut(Schema):
    question: str = Field(description="The key of the earlier question.")
    options: list[int] = Field(description="Its option ids, any of which asks this question.")
    values: list[int] = Field(description="The same as stars or 0–10 values (else empty).")


class SurveyQuestionOut(Schema):
    key: str
    kind: str
    text: str
    help_text: str
    is_required: bool = Field(description="Required when asked.")
    allow_other: bool
    section: str | None
    options: list[SurveyOptionOut]
    show_if: SurveyConditionOut | None = Field(
        description="Asked only when the earlier answer matches; otherwise send no answer to it "
        "(422 `hidden_question`)."
    )


class SurveyChallengeOut(Schema):
    question: str = Field(description="Show it to the person: a sum of two small numbers.")
    token: str = Field(description="Send it back as `challenge_token`; valid for 2 hours.")


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
    challenge_token: str = Field(
        "", max_length=500, description="Anonymous answers only: the token of `…/challenge`."
    )
    challenge: str = Field(
        "", max_length=10, description="Anonymous answers only: the answer to its question."
    )


class SurveyResponseOut(Schema):
    id: int
    survey: str
    results_url: str
    appeal: str | None = Field(
        description="The number of the appeal a complaint or a proposal was registered as."
    )


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
            "show_if": _condition(question),
        }
        for block in selectors.survey_form(survey)
        for question in block["questions"]
    ]
    return {**_brief(survey), "description": survey.description, "questions": questions}


def _condition(question) -> dict | None:
    if question.show_if_question_id is None:
        return None
    options = list(question.show_if_options.all())
    return {
        "question": question.show_if_question.key,
        "options": [o.pk for o in options],
        "values": [o.value for o in options if o.value is not None],
    }


def _anonymous_allowed(survey: Survey) -> None:
    """401 `not_authenticated`, as for any endpoint that needs signing in."""
    if not survey.allow_anonymous or filing.files_appeal(survey):
        raise AuthenticationError


class NoCredentials:
    """Lets a request that carries no credentials at all (no bearer key, no session cookie)
    through as anonymous: it cannot be a forged request of a signed-in browser, so it needs no
    CSRF token. A request with a session cookie goes on to the session's check."""

    def __call__(self, request):
        if "authorization" in request.headers or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None
        return AnonymousUser()


@router.get(
    "/{slug}/challenge",
    response=answers(200, SurveyChallengeOut),
    auth=None,
    summary="A check question for an anonymous answer",
    description="401 `not_authenticated` when the survey takes no anonymous answers.",
)
def survey_challenge(request, slug: str):
    _anonymous_allowed(_survey(request, slug))
    question, token = limits.challenge_new()
    return {"question": question, "token": token}


@router.post(
    "/{slug}/responses",
    response=answers(201, SurveyResponseOut),
    auth=[ApiKeyAuth(), NoCredentials(), SessionAuth()],
    summary="Answer a survey",
    description="Signed in (bearer key or session), or anonymously when the survey's "
    "`allow_anonymous` is true: then send no credentials, and `challenge_token` and "
    "`challenge` from `GET /api/v1/surveys/{slug}/challenge`; anonymous answers share one "
    "limit per client address with the page's. "
    "422 `required`, `foreign_option`, `invalid_answer`, `invalid_date`, `too_long`, "
    "`unknown_question`, `hidden_question`, `empty_response`, `challenge_expired`, "
    "`challenge_failed`, `profile_incomplete`; 401 `not_authenticated`; 409 "
    "`already_answered`, `survey_closed`; 429 when answering too often.",
)
def survey_answer(request, slug: str, payload: SurveyResponseIn):
    survey = _survey(request, slug)
    anonymous = not request.user.is_authenticated
    if anonymous:
        _anonymous_allowed(survey)
    # The limit first: every try at the check question counts against it.
    limits.refuse_flood(request, anonymous=anonymous)
    if anonymous:
        limits.challenge_check(payload.challenge_token, payload.challenge)
    response = response_submit(
        request.user,
        survey_id=survey.pk,
        answers=payload.answers,
        ticket=payload.ticket,
        appeal=payload.appeal,
    )
    return Status(
        201,
        {
            "id": response.pk,
            "survey": survey.slug,
            "results_url": survey.get_results_url(),
            "appeal": response.filed_appeal.number if response.filed_appeal_id else None,
        },
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
