"""Storing a response: checked whole before anything is written, then written with every
count it changes, in one transaction (see services.py for the order of the locks)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from hromada.accounts.models import User
from hromada.appeals.models import Appeal
from hromada.appeals.models import State as AppealState
from hromada.core.audit import audit_event_record
from hromada.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hromada.equeue.models import Booking
from hromada.equeue.models import State as BookingState
from hromada.surveys import filing
from hromada.surveys.models import Answer, Option, QualityScore, Question, Response, Survey
from hromada.surveys.services import OTHER_MAX, TEXT_MAX

ANSWERED_APPEAL_STATES = (AppealState.ANSWERED, AppealState.CLOSED)


@dataclass
class Cleaned:
    answers: list[Answer] = field(default_factory=list)
    options: list[int] = field(default_factory=list)
    questions: list[int] = field(default_factory=list)
    others: list[int] = field(default_factory=list)
    stars: list[int] = field(default_factory=list)


def _as_list(value: Any) -> list:
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _refuse(question: Question, message: str, code: str = "invalid_answer") -> None:
    raise ValidationFailed(
        _("«%(question)s»: %(problem)s") % {"question": question.text, "problem": message},
        code=code,
        field=question.key,
    )


def _option(question: Question, raw: Any) -> Option:
    options = {str(o.pk): o for o in question.options.all()}
    if question.is_number:
        options = {str(o.value): o for o in question.options.all()}
    option = options.get(str(raw).strip())
    if option is None:
        _refuse(question, _("this option does not belong to the question."), "foreign_option")
    return option


def is_asked(question: Question, chosen: dict[int, set[int]]) -> bool:
    """Whether the question is asked, given the options chosen in the questions asked before
    it (a question after one that was not asked is not asked either)."""
    if question.show_if_question_id is None:
        return True
    wanted = {o.pk for o in question.show_if_options.all()}
    return bool(chosen.get(question.show_if_question_id, set()) & wanted)


def clean_answers(survey: Survey, answers: dict[str, Any]) -> Cleaned:
    """Every question's answer checked; nothing is written here."""
    cleaned = Cleaned()
    questions = sorted(
        survey.questions.select_related("section").prefetch_related("options", "show_if_options"),
        key=lambda q: q.sort_key,
    )
    known = {q.key for q in questions} | {f"{q.key}_other" for q in questions}
    if unknown := sorted(set(answers) - known):
        raise ValidationFailed(
            _("Answers to questions this survey does not have: %s.") % ", ".join(unknown),
            code="unknown_question",
        )
    chosen: dict[int, set[int]] = {}  # the options chosen per question asked
    for question in questions:
        values = [v for v in _as_list(answers.get(question.key)) if str(v).strip() != ""]
        other = str(answers.get(f"{question.key}_other") or "").strip()
        if not is_asked(question, chosen):
            # Not asked after the earlier answer: nothing is required, and no answer is taken.
            if values or other:
                _refuse(
                    question,
                    _("it is asked only after another answer to «%(parent)s»; leave it empty.")
                    % {"parent": question.show_if_question.text},
                    "hidden_question",
                )
            continue
        chosen[question.pk] = set()
        if other and not question.allow_other:
            _refuse(question, _("this question has no “other” answer."))
        if len(other) > OTHER_MAX:
            _refuse(question, _("“other” is at most %d characters.") % OTHER_MAX)
        if not values and not other:
            if question.is_required:
                _refuse(question, _("this question must be answered."), "required")
            continue
        if question.kind != Question.Kind.MULTIPLE and len(values) + bool(other) > 1:
            _refuse(question, _("choose one answer."))
        cleaned.questions.append(question.pk)
        if question.is_choice or question.is_number:
            options = [_option(question, raw) for raw in values]
            if len({o.pk for o in options}) != len(options):
                _refuse(question, _("an option is chosen twice."))
            chosen[question.pk] = {o.pk for o in options}
            for option in options:
                cleaned.answers.append(Answer(question=question, option=option))
                cleaned.options.append(option.pk)
                if question.counts_for_quality:
                    cleaned.stars.append(option.value)
            if other:
                cleaned.answers.append(Answer(question=question, text=other))
                cleaned.others.append(question.pk)
            continue
        text = str(values[0]).strip()
        if "\x00" in text:
            _refuse(question, _("the text contains a forbidden character."))
        if question.kind == Question.Kind.DATE:
            day = parse_date(text) if len(text) == 10 else None
            if day is None:
                _refuse(question, _("write a date as YYYY-MM-DD."), "invalid_date")
            cleaned.answers.append(Answer(question=question, date=day))
        else:
            limit = TEXT_MAX[question.kind]
            if len(text) > limit:
                _refuse(question, _("at most %d characters.") % limit, "too_long")
            cleaned.answers.append(Answer(question=question, text=text))
    if not cleaned.questions:
        raise ValidationFailed(_("Answer at least one question."), code="empty_response")
    return cleaned


def _subject(actor: User, survey: Survey, *, ticket: str, appeal: str):
    """The ticket or appeal the response rates, when the survey is offered after it."""
    if ticket:
        booking = (
            Booking.objects.select_related("queue")
            .filter(code=ticket, citizen_id=actor.pk, state=BookingState.SERVED)
            .first()
        )
        if booking is None or not offered_after_ticket(survey, booking):
            raise NotFound(_("No such served ticket of yours for this survey."), field="ticket")
        return f"ticket:{booking.pk}", booking, None, booking.queue.addressee_id
    if appeal:
        row = Appeal.objects.filter(
            number=appeal, author_id=actor.pk, state__in=ANSWERED_APPEAL_STATES
        ).first()
        if row is None or not offered_after_answer(survey, row):
            raise NotFound(_("No such answered appeal of yours for this survey."), field="appeal")
        return f"appeal:{row.pk}", None, row, row.addressee_id
    return "", None, None, survey.addressee_id


def offered_after_ticket(survey: Survey, booking: Booking) -> bool:
    if not survey.offer_after_ticket or survey.state != Survey.State.PUBLISHED:
        return False
    if survey.queue_id:
        return survey.queue_id == booking.queue_id
    return survey.addressee_id is None or survey.addressee_id == booking.queue.addressee_id


def offered_after_answer(survey: Survey, appeal: Appeal) -> bool:
    if not survey.offer_after_answer or survey.state != Survey.State.PUBLISHED:
        return False
    return survey.addressee_id is None or survey.addressee_id == appeal.addressee_id


def _refuse_closed(survey: Survey, now: datetime) -> None:
    if (
        survey.state != Survey.State.PUBLISHED
        or (survey.opens_at and now < survey.opens_at)
        or (survey.closes_at and now >= survey.closes_at)
    ):
        raise Conflict(_("The survey is not taking answers now."), code="survey_closed")


def _month(now: datetime) -> date:
    return timezone.localtime(now).date().replace(day=1)


def _add_stars(addressee_id: int, month: date, stars: list[int]) -> None:
    change = {"ratings": F("ratings") + len(stars), "stars": F("stars") + sum(stars)}
    rows = QualityScore.objects.filter(addressee_id=addressee_id, month=month)
    if rows.update(**change):
        return
    try:
        with transaction.atomic():
            QualityScore.objects.create(
                addressee_id=addressee_id, month=month, ratings=len(stars), stars=sum(stars)
            )
    except IntegrityError:  # another survey's response made the month's row first
        rows.update(**change)


@transaction.atomic
def response_submit(
    actor: User,
    *,
    survey_id: int,
    answers: dict[str, Any],
    ticket: str = "",
    appeal: str = "",
    now: datetime | None = None,
) -> Response:
    """Store a response. A signed-in person answers once per survey (and once per ticket or
    appeal rated); the anonymous may answer only surveys that allow it, and the caller has
    already applied the rate limit and the challenge (hromada/surveys/limits.py). A response
    to the complaint or proposal form is registered as an appeal here too (filing.py)."""
    now = now or timezone.now()
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None or not actor.has_perm("surveys.view_survey", survey):
        raise NotFound(_("No such survey."))
    _refuse_closed(survey, now)
    signed_in = actor.is_authenticated
    if not signed_in and filing.files_appeal(survey):
        filing.refuse_anonymous(survey)
    if not signed_in and not survey.allow_anonymous:
        raise PermissionDenied(_("Sign in to answer this survey."), code="not_authenticated")
    if not signed_in and (ticket or appeal):
        raise PermissionDenied(_("Sign in to rate your visit or appeal."))
    subject, booking, appeal_row, addressee_id = (
        _subject(actor, survey, ticket=ticket, appeal=appeal)
        if signed_in
        else ("", None, None, None)
    )
    if not signed_in:
        addressee_id = survey.addressee_id
    cleaned = clean_answers(survey, answers)
    # The survey's row lock, taken first: see the module's docstring.
    Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + 1)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey,
                respondent=actor if signed_in else None,
                subject=subject,
                booking=booking,
                appeal=appeal_row,
                addressee_id=addressee_id,
            )
    except IntegrityError as exc:
        what = _("this visit") if booking else _("this answer") if appeal_row else _("this survey")
        raise Conflict(
            _("You have already answered %(what)s. Thank you!") % {"what": what},
            code="already_answered",
        ) from exc
    for answer in cleaned.answers:
        answer.response = response
    Answer.objects.bulk_create(cleaned.answers)
    if cleaned.options:
        Option.objects.filter(pk__in=sorted(cleaned.options)).update(count=F("count") + 1)
    Question.objects.filter(pk__in=cleaned.questions).update(answered_count=F("answered_count") + 1)
    if cleaned.others:
        Question.objects.filter(pk__in=cleaned.others).update(other_count=F("other_count") + 1)
    if cleaned.stars and addressee_id:
        _add_stars(addressee_id, _month(now), cleaned.stars)
    if filing.files_appeal(survey):
        filing.appeal_from_response(actor, survey=survey, response=response)
    audit_event_record(
        actor=actor, action="surveys.response_submitted", target=survey, response=response.pk
    )
    return response
