"""What the appeals API reads and writes (/api/v1/appeals/).

Enumerations and 1-5 scores are documented in the schema but checked by the services, so a
client gets the same translated message, tied to the same field, as a person on the site.
"""

from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

from hromada.appeals.models import CallBack, Channel, Event, Kind, State
from hromada.appeals.selectors import PAGE_SIZE
from hromada.appeals.services import COMMENT_MAX, NOT_CONSIDERED_REASONS
from hromada.core.pagination import (
    CURSOR_DESCRIPTION,
    CURSOR_MAX,
    HAS_MORE_DESCRIPTION,
    NEXT_CURSOR_DESCRIPTION,
)


def _enum(values) -> dict[str, Any]:
    return {"enum": list(values)}


SCORE = {"minimum": 1, "maximum": 5}


class Plain(Schema):
    """No text may carry a NUL character: no database stores one."""

    @field_validator("*")
    @classmethod
    def no_nul(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError(_("The text contains a forbidden character."))
        return value


class Input(Plain):
    """A request body: an unknown field is refused, so a misspelt one is not silently lost."""

    model_config = ConfigDict(extra="forbid")


# --- Submitting and the author's actions ----------------------------------------------------


class AppealIn(Input):
    kind: str = Field(json_schema_extra=_enum(Kind.values))
    subject: str = Field(description="At most 200 characters.")
    text: str = Field(description="At most 20,000 characters.")
    addressee: str | None = Field(
        None, description="The addressee's code; empty: routing decides (the dispatcher)."
    )
    category: str | None = Field(None, description="A category's code (see /appeals/categories).")
    latitude: float | None = Field(None, allow_inf_nan=False)
    longitude: float | None = Field(None, allow_inf_nan=False)
    location_text: str = Field("", description="An address or a description of the place.")
    is_public: bool = Field(False, description="A problem report shown on the city map.")
    is_urgent: bool = Field(False, description="Public information only: within 48 hours.")
    urgency_reason: str = Field("", max_length=2000)
    is_anonymous: bool = Field(False, description="A report of possible corruption only.")
    has_benefits: bool = Field(
        False, description="The author has statutory benefits (Law 393/96-ВР art. 20)."
    )
    co_signers: list[str] = Field(
        default_factory=list,
        max_length=1000,
        description="E-mails of registered residents who confirm from their own accounts.",
    )
    complaint_about: int | None = Field(
        None, description="A complaint: the id of the author's appeal whose answer it disputes."
    )
    decision_date: date | None = None
    learned_date: date | None = None

    @field_validator("co_signers")
    @classmethod
    def short_emails(cls, value: list[str]) -> list[str]:
        if any(len(email) > 254 for email in value):
            raise ValueError(_("An e-mail address is at most 254 characters."))
        return value


class RatingIn(Input):
    quality: int = Field(json_schema_extra=SCORE)
    speed: int = Field(json_schema_extra=SCORE)
    completeness: int = Field(json_schema_extra=SCORE)
    comment: str = Field("", description="Required when disputing.")
    dispute: bool = Field(False, description="The answer does not resolve it: reopen it.")


class CloseIn(Input):
    comment: str = Field("", max_length=COMMENT_MAX)


class DisputeIn(Input):
    reason: str = Field(description="Why the answer does not resolve the question.")


# --- The back office's transitions ----------------------------------------------------------


class RegisterIn(Input):
    addressee: str | None = Field(None, description="The addressee's code; empty: as routed.")
    category: str | None = None
    is_simple: bool | None = Field(
        None, description="Needs no extra study: 15 days (Law 393/96-ВР art. 20)."
    )
    comment: str = Field("", max_length=COMMENT_MAX)


class RouteIn(Input):
    addressee: str = Field(description="The code of the addressee to send it to.")
    comment: str = Field("", max_length=COMMENT_MAX)


class AssignIn(Input):
    executor: int = Field(description="The user id of a member of the addressee's staff.")
    comment: str = Field("", max_length=COMMENT_MAX)


class AnswerIn(Input):
    text: str


class ExtendIn(Input):
    reason: str
    new_due: date | None = Field(
        None, description="The new due date; empty: as far as the law allows."
    )


class ReturnIn(Input):
    comment: str = Field(description="What required content is missing (Law 393/96-ВР art. 5).")


class ForwardIn(Input):
    forwarded_to: str = Field(description="The competent body (Law 393/96-ВР art. 7).")
    comment: str = ""


class NotConsiderIn(Input):
    reason: str = Field(
        json_schema_extra=_enum(NOT_CONSIDERED_REASONS), description="The case of art. 8."
    )
    comment: str = ""


class DuplicateIn(Input):
    original: int = Field(description="The id of the original appeal.")
    comment: str = Field("", max_length=COMMENT_MAX)


class ReopenIn(Input):
    reason: str


class CallBackIn(Input):
    outcome: str = Field(json_schema_extra=_enum(CallBack.Outcome.values))
    note: str = ""


class CommentIn(Input):
    comment: str


class QueueFilters(Plain):
    """The back office's filters (selectors.Filters) and the keyset page."""

    kind: str = Field("", json_schema_extra=_enum(Kind.values))
    state: str = Field("", json_schema_extra=_enum(State.values))
    addressee: str = Field("", description="The addressee's code.")
    category: str = Field("", description="The category's code.")
    district: str = Field("", description="The district's code.")
    channel: str = Field("", json_schema_extra=_enum(Channel.values))
    # Text, not dates: a wrong date gets the same translated message as the rest.
    received_from: str = Field("", description="A date, YYYY-MM-DD.")
    received_to: str = Field("", description="A date, YYYY-MM-DD.")
    q: str = Field("", max_length=200, description="Number, text or author.")
    cursor: str = Field("", max_length=CURSOR_MAX, description=CURSOR_DESCRIPTION)
    limit: int = Field(PAGE_SIZE, ge=1, le=100)


# --- What the API answers -------------------------------------------------------------------


class ErrorBody(Schema):
    code: str = Field(description="Stable, for programs: validation_failed, not_found, …")
    message: str = Field(description="For people, in the language of the request.")
    details: Any = Field(
        None, description="`field` names the refused input; ninja's checks list each problem."
    )


class ErrorOut(Schema):
    """Every refusal (core.api): 400, 401, 403, 404, 409 or 422."""

    error: ErrorBody


class Named(Schema):
    slug: str
    name: str


class Person(Schema):
    id: int
    name: str


class AppealRef(Schema):
    id: int
    number: str


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class AnswerOut(Schema):
    id: int
    text: str
    created_at: datetime
    attachments: list[AttachmentOut]


class RatingOut(Schema):
    answer: int
    quality: int
    speed: int
    completeness: int
    comment: str
    created_at: datetime


class RatedOut(RatingOut):
    appeal_state: str = Field(json_schema_extra=_enum(State.values))


class Signers(Schema):
    invited: int
    confirmed: int


class Links(Schema):
    self: str
    timeline: str
    page: str


class AuthorOut(Schema):
    user: int | None
    name: str
    address: str
    email: str
    phone: str
    is_anonymous: bool


class StaffPart(Schema):
    """What only staff who may see the appeal's internals are shown."""

    author: AuthorOut
    executor: Person | None
    registered_by: Person | None
    routing_reason: str
    repeated_of: AppealRef | None
    page: str


class AppealOut(Schema):
    id: int
    number: str
    kind: str = Field(json_schema_extra=_enum(Kind.values))
    kind_label: str
    state: str = Field(json_schema_extra=_enum(State.values))
    state_label: str
    channel: str = Field(json_schema_extra=_enum(Channel.values))
    subject: str
    text: str
    addressee: Named | None
    category: Named | None
    district: Named | None
    latitude: float | None
    longitude: float | None
    location_text: str
    is_public: bool
    is_urgent: bool
    urgency_reason: str
    is_collective: bool
    has_benefits: bool
    complaint_about: int | None
    decision_date: date | None
    learned_date: date | None
    duplicate_of: AppealRef | None
    forwarded_to: str
    received_at: datetime
    registered_at: datetime | None
    due_at: datetime
    deadline_basis: str
    extended_at: datetime | None
    answered_at: datetime | None
    closed_at: datetime | None
    is_overdue: bool
    attachments: list[AttachmentOut]
    answers: list[AnswerOut]
    ratings: list[RatingOut]
    signers: Signers
    links: Links
    staff: StaffPart | None = Field(
        description="Present only for staff who may see the appeal's internals."
    )


class AppealLine(Schema):
    id: int
    number: str
    kind: str = Field(json_schema_extra=_enum(Kind.values))
    state: str = Field(json_schema_extra=_enum(State.values))
    state_label: str
    subject: str
    addressee: Named | None
    received_at: datetime
    due_at: datetime
    is_overdue: bool
    url: str


class MineOut(Schema):
    count: int
    items: list[AppealLine]
    next_cursor: str | None = Field(description=NEXT_CURSOR_DESCRIPTION)
    has_more: bool = Field(description=HAS_MORE_DESCRIPTION)


class QueueLine(AppealLine):
    channel: str = Field(json_schema_extra=_enum(Channel.values))
    category: Named | None
    executor: Person | None
    is_urgent: bool
    has_benefits: bool
    is_collective: bool


class AppealQueueOut(Schema):
    queue: str
    items: list[QueueLine]
    next_cursor: str | None = Field(description=NEXT_CURSOR_DESCRIPTION)
    has_more: bool = Field(description=HAS_MORE_DESCRIPTION)


class EventOut(Schema):
    id: int
    action: str = Field(json_schema_extra=_enum(Event.Action.values))
    action_label: str
    created_at: datetime
    from_state: str
    to_state: str
    comment: str
    # Staff with the right to the internals only:
    actor: Person | None = None
    is_public: bool | None = None
    payload: dict[str, Any] | None = None


class CategoryOut(Schema):
    slug: str
    name: str
    description: str
    for_problem_reports: bool


class KindOut(Schema):
    value: str = Field(json_schema_extra=_enum(Kind.values))
    label: str
    term: str = Field(description="The statutory term for an answer, with its legal basis.")
    urgent_term: str | None = Field(description="The term of an urgent request, where allowed.")
