"""Every step of an appeal after intake: guarded transitions that lock the row, refuse a wrong
state with a Conflict, write one event and owe their notifications in the same transaction."""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hromada.accounts.models import User
from hromada.appeals.models import (
    Answer,
    Appeal,
    CallBack,
    Category,
    Event,
    Kind,
    Rating,
    State,
)
from hromada.appeals.notifications import (
    addressee_recipients,
    author_recipients,
    department_recipients,
    notify,
)
from hromada.appeals.services.common import (
    COMMENT_MAX,
    NOT_CONSIDERED_REASONS,
    TEXT_MAX,
    _check_files,
    _check_permission,
    _clean_text,
    _event,
    _files_removed_on_failure,
    _flag_if_repeated,
    _lock,
    _refuse_state,
    _store_attachments,
)
from hromada.core import deadlines
from hromada.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hromada.directory.models import Addressee, Membership


def _clean_comment(comment: str) -> str:
    return _clean_text(
        comment, field="comment", label=_("comment"), max_length=COMMENT_MAX, required=False
    )


def _staff_note(appeal: Appeal, *, actor: User, comment: str) -> Event | None:
    """A note that goes with an action but is meant for staff: kept off the author's timeline."""
    if not comment:
        return None
    return _event(
        appeal,
        actor=actor,
        action=Event.Action.COMMENTED,
        from_state=appeal.state,
        comment=comment,
        is_public=False,
    )


def _set_deadline(appeal: Appeal, *, is_simple: bool | None) -> None:
    """Law 393/96-ВР art. 20: an appeal that needs no extra study is answered at once, within
    15 days; the choice is made before that term has run out, and not after an extension."""
    if is_simple is None or is_simple == appeal.is_simple or appeal.extended_at:
        return
    if appeal.kind not in deadlines.APPEAL_KINDS:
        raise ValidationFailed(
            _("Only an appeal under Law 393/96-ВР can be simple."), field="is_simple"
        )
    due_at = deadlines.deadline_for(appeal.kind, appeal.term_start, simple=is_simple).due_at
    if is_simple and due_at < timezone.now():
        raise ValidationFailed(
            _("Too late: the short term for an appeal that needs no extra study has passed."),
            field="is_simple",
        )
    appeal.is_simple = is_simple
    appeal.due_at = due_at


def appeal_register(
    *,
    appeal_id: int,
    actor: User,
    addressee: Addressee | None = None,
    category: Category | None = None,
    is_simple: bool | None = None,
    comment: str = "",
) -> Appeal:
    """The appeals department registers a submitted appeal and sends it to its addressee."""
    comment = _clean_comment(comment)
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.register_appeal", appeal)
        _refuse_state(
            appeal,
            [State.SUBMITTED],
            _("Only a submitted appeal can be registered; this one is “%(state)s”."),
        )
        addressee = addressee or appeal.addressee
        # Reports of possible corruption stay with the designated officers, addressee or not.
        if addressee is None and appeal.kind != Kind.CORRUPTION_REPORT:
            raise ValidationFailed(_("Choose the addressee."), field="addressee")
        new_id = addressee.pk if addressee else None
        corrected = appeal.addressee_id is not None and new_id != appeal.addressee_id
        previous = appeal.addressee_id
        appeal.addressee = addressee
        if category is not None:
            appeal.category = category
        _set_deadline(appeal, is_simple=is_simple)
        appeal.state = State.REGISTERED
        appeal.registered_at = timezone.now()
        appeal.registered_by = actor
        appeal.save()
        _flag_if_repeated(appeal)
        if previous != new_id:
            _event(
                appeal,
                actor=actor,
                action=Event.Action.ROUTED,
                is_public=False,
                addressee=new_id,
                previous=previous,
                correction=corrected,
            )
        event = _event(
            appeal,
            actor=actor,
            action=Event.Action.REGISTERED,
            from_state=State.SUBMITTED,
            is_public=True,
        )
        _staff_note(appeal, actor=actor, comment=comment)
        notify(
            appeal=appeal, template="registered", recipients=author_recipients(appeal), event=event
        )
        notify(
            appeal=appeal,
            template="new_for_addressee",
            recipients=addressee_recipients(appeal),
            event=event,
        )
    return appeal


def appeal_route(*, appeal_id: int, actor: User, addressee: Addressee, comment: str = "") -> Appeal:
    """Send a registered appeal to another addressee of the council (a routing correction)."""
    comment = _clean_comment(comment)
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.register_appeal", appeal)
        _refuse_state(
            appeal,
            [State.REGISTERED, State.ASSIGNED, State.IN_PROGRESS, State.REOPENED],
            _("An appeal that is “%(state)s” cannot be sent to another addressee."),
        )
        if addressee.pk == appeal.addressee_id:
            raise ValidationFailed(
                _("The appeal is already with this addressee."), field="addressee"
            )
        previous, from_state = appeal.addressee_id, appeal.state
        appeal.addressee = addressee
        appeal.executor = None
        appeal.state = State.REGISTERED
        appeal.save()
        _flag_if_repeated(appeal)
        event = _event(
            appeal,
            actor=actor,
            action=Event.Action.ROUTED,
            from_state=from_state,
            comment=comment,
            is_public=False,
            addressee=addressee.pk,
            previous=previous,
            correction=True,
        )
        notify(
            appeal=appeal,
            template="new_for_addressee",
            recipients=addressee_recipients(appeal),
            event=event,
        )
    return appeal


def appeal_assign(
    *,
    appeal_id: int,
    actor: User,
    executor: User,
    comment: str = "",
    is_simple: bool | None = None,
) -> Appeal:
    """Give the appeal to a member of the addressee's staff; a note goes to them, not to the
    author. Whoever assigns may also judge that it needs no extra study (a shorter term)."""
    comment = _clean_comment(comment)
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.assign_appeal", appeal)
        _refuse_state(
            appeal,
            [State.REGISTERED, State.ASSIGNED, State.IN_PROGRESS, State.REOPENED],
            _("An appeal that is “%(state)s” cannot be assigned to an executor."),
        )
        if not (
            Membership.objects.filter(addressee_id=appeal.addressee_id, user=executor).exists()
            and executor.is_active
        ):
            raise ValidationFailed(
                _("The executor must be a member of staff of the addressee."), field="executor"
            )
        if executor.pk == appeal.executor_id:
            raise ValidationFailed(_("This person is already the executor."), field="executor")
        from_state = appeal.state
        appeal.executor = executor
        appeal.state = State.ASSIGNED
        _set_deadline(appeal, is_simple=is_simple)
        appeal.save()
        event = _event(
            appeal,
            actor=actor,
            action=Event.Action.ASSIGNED,
            from_state=from_state,
            is_public=True,
            executor=executor.pk,
        )
        note = _staff_note(appeal, actor=actor, comment=comment)
        notify(appeal=appeal, template="assigned", recipients=[executor.email], event=note or event)
    return appeal


def appeal_start(*, appeal_id: int, actor: User) -> Appeal:
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.work_on_appeal", appeal)
        _refuse_state(
            appeal,
            [State.ASSIGNED, State.REOPENED],
            _("An appeal that is “%(state)s” cannot be taken into work; assign it first."),
        )
        from_state = appeal.state
        appeal.state = State.IN_PROGRESS
        appeal.save()
        _event(appeal, actor=actor, action=Event.Action.STARTED, from_state=from_state)
    return appeal


def appeal_answer(
    *, appeal_id: int, actor: User, text: str, files: Sequence[UploadedFile] = ()
) -> Answer:
    text = _clean_text(text, field="text", label=_("answer"), max_length=TEXT_MAX)
    files = list(files)
    _check_files(files)
    with _files_removed_on_failure(), transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.work_on_appeal", appeal)
        _refuse_state(
            appeal,
            [State.REGISTERED, State.ASSIGNED, State.IN_PROGRESS, State.REOPENED],
            _("An appeal that is “%(state)s” cannot be answered."),
        )
        from_state = appeal.state
        now = timezone.now()
        appeal.state = State.ANSWERED
        appeal.answered_at = now
        appeal.is_overdue = appeal.is_overdue or now > appeal.due_at
        if appeal.executor_id is None:
            appeal.executor = actor
        appeal.save()
        answer = Answer.objects.create(appeal=appeal, author=actor, text=text)
        _store_attachments(appeal, files, actor=actor, answer=answer)
        event = _event(
            appeal,
            actor=actor,
            action=Event.Action.ANSWERED,
            from_state=from_state,
            answer=answer.pk,
            on_time=now <= appeal.due_at,
        )
        notify(
            appeal=appeal, template="answered", recipients=author_recipients(appeal), event=event
        )
    return answer


def appeal_close(*, appeal_id: int, actor: User | None, comment: str = "") -> Appeal:
    """The author accepts the answer, the department closes it, or the job does after
    APPEAL_AUTO_CLOSE_DAYS without a dispute (``actor=None``)."""
    comment = _clean_comment(comment)
    with transaction.atomic():
        appeal = _lock(appeal_id)
        if actor is not None and not (
            actor.has_perm("appeals.respond_as_author", appeal)
            or actor.has_perm("appeals.register_appeal", appeal)
        ):
            _check_permission(actor, "appeals.register_appeal", appeal)
        _refuse_state(
            appeal,
            [State.ANSWERED],
            _("Only an answered appeal can be closed; this one is “%(state)s”."),
        )
        appeal.state = State.CLOSED
        appeal.closed_at = timezone.now()
        appeal.save()
        _event(
            appeal,
            actor=actor,
            action=Event.Action.CLOSED,
            from_state=State.ANSWERED,
            comment=comment,
        )
    return appeal


def _refuse_after(limit, message: str) -> None:
    """Conflict once ``limit``'s legal term has passed; ``message`` names its date and basis."""
    if timezone.now() > limit.due_at:
        raise Conflict(
            message
            % {
                "date": formats.date_format(limit.due_at.astimezone(deadlines.KYIV).date()),
                "basis": limit.basis,
            }
        )


def appeal_return(*, appeal_id: int, actor: User, explanation: str) -> Appeal:
    """Law 393/96-ВР art. 5: required content is missing; back to the author within 10 days."""
    explanation = _clean_text(
        explanation, field="comment", label=_("what is missing"), max_length=COMMENT_MAX
    )
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.register_appeal", appeal)
        _refuse_state(
            appeal,
            [State.SUBMITTED, State.REGISTERED, State.ASSIGNED],
            _("An appeal that is “%(state)s” can no longer be returned to its author."),
        )
        _refuse_after(
            deadlines.appeal_return_deadline(appeal.received_at),
            _(
                "The term for returning it ended on %(date)s (%(basis)s); the appeal must "
                "be considered."
            ),
        )
        return _finish(
            appeal,
            actor=actor,
            state=State.RETURNED,
            action=Event.Action.RETURNED,
            comment=explanation,
            template="returned",
        )


def appeal_forward(*, appeal_id: int, actor: User, to: str, comment: str = "") -> Appeal:
    """Law 393/96-ВР art. 7: outside the council's competence; to the competent body within
    5 days, and the author is told."""
    to = _clean_text(to, field="forwarded_to", label=_("the competent body"), max_length=300)
    comment = _clean_text(
        comment, field="comment", label=_("comment"), max_length=COMMENT_MAX, required=False
    )
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.register_appeal", appeal)
        _refuse_state(
            appeal,
            [State.SUBMITTED, State.REGISTERED, State.ASSIGNED],
            _("An appeal that is “%(state)s” can no longer be forwarded."),
        )
        _refuse_after(
            deadlines.appeal_forward_deadline(appeal.received_at),
            _(
                "The term for forwarding it ended on %(date)s (%(basis)s); the appeal must "
                "be considered here."
            ),
        )
        appeal.forwarded_to = to
        return _finish(
            appeal,
            actor=actor,
            state=State.FORWARDED,
            action=Event.Action.FORWARDED,
            comment=comment,
            template="forwarded",
            to=to,
        )


def appeal_not_consider(*, appeal_id: int, actor: User, reason: str, comment: str = "") -> Appeal:
    if reason not in NOT_CONSIDERED_REASONS:
        raise ValidationFailed(_("Choose the case of art. 8 that applies."), field="reason")
    comment = _clean_text(
        comment, field="comment", label=_("comment"), max_length=COMMENT_MAX, required=False
    )
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.register_appeal", appeal)
        _refuse_state(
            appeal,
            [State.SUBMITTED, State.REGISTERED, State.ASSIGNED, State.IN_PROGRESS],
            _("An appeal that is “%(state)s” can no longer be left unconsidered."),
        )
        text = str(NOT_CONSIDERED_REASONS[reason]) + (f". {comment}" if comment else "")
        return _finish(
            appeal,
            actor=actor,
            state=State.NOT_CONSIDERED,
            action=Event.Action.NOT_CONSIDERED,
            comment=text,
            template="not_considered",
            reason=reason,
        )


def appeal_mark_duplicate(
    *, appeal_id: int, actor: User, original_id: int, comment: str = ""
) -> Appeal:
    comment = _clean_comment(comment)
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.register_appeal", appeal)
        _refuse_state(
            appeal,
            [State.SUBMITTED, State.REGISTERED, State.ASSIGNED],
            _("An appeal that is “%(state)s” can no longer be marked as a duplicate."),
        )
        original = Appeal.objects.filter(pk=original_id).first()
        if (
            original is None
            or original.pk == appeal.pk
            or not actor.has_perm("appeals.view_appeal", original)
        ):
            raise ValidationFailed(_("Choose the original appeal."), field="original")
        if original.state == State.DUPLICATE:
            raise ValidationFailed(
                _("%(number)s is itself a duplicate; link to its original %(original)s.")
                % {
                    "number": original.number,
                    "original": original.duplicate_of.number if original.duplicate_of else "",
                },
                field="original",
            )
        appeal.duplicate_of = original
        return _finish(
            appeal,
            actor=actor,
            state=State.DUPLICATE,
            action=Event.Action.DUPLICATE,
            comment=comment,
            template="duplicate",
            original=original.pk,
            original_number=original.number,
        )


def _finish(appeal: Appeal, *, actor, state, action, comment, template, **payload) -> Appeal:
    from_state = appeal.state
    appeal.state = state
    appeal.closed_at = timezone.now()
    appeal.save()
    event = _event(
        appeal, actor=actor, action=action, from_state=from_state, comment=comment, **payload
    )
    notify(appeal=appeal, template=template, recipients=author_recipients(appeal), event=event)
    return appeal


def appeal_extend(
    *, appeal_id: int, actor: User, reason: str, new_due: date | None = None
) -> Appeal:
    """Law 393/96-ВР art. 20: extend with notice to the author, never beyond 45 days in total;
    public information: to 20 working days, within the first 5."""
    reason = _clean_text(
        reason, field="reason", label=_("reason for the extension"), max_length=COMMENT_MAX
    )
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.work_on_appeal", appeal)
        _refuse_state(
            appeal,
            [State.REGISTERED, State.ASSIGNED, State.IN_PROGRESS, State.REOPENED],
            _("The deadline of an appeal that is “%(state)s” cannot be extended."),
        )
        if appeal.is_urgent:
            raise ValidationFailed(_("An urgent request cannot be extended."), field="new_due")
        current = deadlines.Deadline(appeal.due_at, "", working_days=False)
        extended = deadlines.extend(current, appeal.term_start, kind=appeal.kind, new_due=new_due)
        previous = appeal.due_at
        appeal.due_at = extended.due_at
        appeal.extended_at = timezone.now()
        appeal.is_overdue = False
        appeal.save()
        event = _event(
            appeal,
            actor=actor,
            action=Event.Action.EXTENDED,
            from_state=appeal.state,
            comment=reason,
            previous_due=previous.isoformat(),
            due=extended.due_at.isoformat(),
        )
        notify(
            appeal=appeal, template="extended", recipients=author_recipients(appeal), event=event
        )
    return appeal


def appeal_reopen(*, appeal_id: int, actor: User, reason: str) -> Appeal:
    """The author disputes the answer (within APPEAL_DISPUTE_DAYS), or the department reopens
    it; it is considered again, with a new term from today."""
    reason = _clean_text(
        reason,
        field="reason",
        label=_("why the answer does not resolve it"),
        max_length=COMMENT_MAX,
    )
    with transaction.atomic():
        appeal = _lock(appeal_id)
        by_author = actor.has_perm("appeals.respond_as_author", appeal)
        if not by_author:
            _check_permission(actor, "appeals.register_appeal", appeal)
        _refuse_state(
            appeal,
            [State.ANSWERED, State.CLOSED],
            _("Only an answered or closed appeal can be reopened; this one is “%(state)s”."),
        )
        if by_author:
            _refuse_late_dispute(appeal)
        return _reopen(appeal, actor=actor, reason=reason)


def _refuse_late_dispute(appeal: Appeal) -> None:
    if appeal.answered_at and timezone.now() > appeal.answered_at + timedelta(
        days=settings.APPEAL_DISPUTE_DAYS
    ):
        raise Conflict(
            ngettext(
                "An answer can be disputed within %(days)d day of it; file a complaint about "
                "the answer instead.",
                "An answer can be disputed within %(days)d days of it; file a complaint about "
                "the answer instead.",
                settings.APPEAL_DISPUTE_DAYS,
            )
            % {"days": settings.APPEAL_DISPUTE_DAYS}
        )


def _reopen(appeal: Appeal, *, actor: User, reason: str) -> Appeal:
    from_state = appeal.state
    now = timezone.now()
    appeal.state = State.REOPENED
    appeal.closed_at = None
    # Considered anew: a new term from today, which may be extended again (art. 20).
    appeal.term_started_at = now
    appeal.extended_at = None
    appeal.due_at = deadlines.deadline_for(
        appeal.kind, now, simple=appeal.is_simple, urgent=appeal.is_urgent
    ).due_at
    appeal.is_overdue = False
    appeal.save()
    event = _event(
        appeal,
        actor=actor,
        action=Event.Action.REOPENED,
        from_state=from_state,
        comment=reason,
        due=appeal.due_at.isoformat(),
    )
    notify(
        appeal=appeal,
        template="reopened",
        recipients=addressee_recipients(appeal)
        + department_recipients(appeal)
        + ([appeal.executor.email] if appeal.executor_id else []),
        event=event,
    )
    return appeal


def appeal_rate(
    *,
    appeal_id: int,
    actor: User,
    quality: int,
    speed: int,
    completeness: int,
    comment: str = "",
    dispute: bool = False,
) -> Rating:
    """The author rates the latest answer once (1-5 each); a low rating is flagged for the
    appeals department, and ``dispute`` reopens the appeal."""
    for name, value in (("quality", quality), ("speed", speed), ("completeness", completeness)):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise ValidationFailed(_("Rate from 1 to 5."), field=name)
    comment = _clean_text(
        comment, field="comment", label=_("comment"), max_length=COMMENT_MAX, required=dispute
    )
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.respond_as_author", appeal)
        _refuse_state(
            appeal,
            [State.ANSWERED, State.CLOSED],
            _("Only an answer can be rated; this appeal is “%(state)s”."),
        )
        if dispute:
            _refuse_late_dispute(appeal)
        answer = appeal.answers.order_by("-created_at", "-pk").first()
        if answer is None:
            raise Conflict(_("There is no answer to rate yet."))
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    appeal=appeal,
                    answer=answer,
                    user=actor,
                    quality=quality,
                    speed=speed,
                    completeness=completeness,
                    comment=comment,
                )
        except IntegrityError as exc:
            raise Conflict(_("You have already rated this answer.")) from exc
        event = _event(
            appeal,
            actor=actor,
            action=Event.Action.RATED,
            from_state=appeal.state,
            comment=comment,
            quality=quality,
            speed=speed,
            completeness=completeness,
        )
        if rating.average <= settings.APPEAL_LOW_RATING:
            notify(
                appeal=appeal,
                template="low_rating",
                recipients=department_recipients(appeal) + addressee_recipients(appeal),
                event=event,
            )
        if dispute:
            _reopen(appeal, actor=actor, reason=comment)
    return rating


def appeal_call_back(*, appeal_id: int, actor: User, outcome: str, note: str = "") -> CallBack:
    """The «109» centre called the author back; the outcome goes on the record."""
    if outcome not in CallBack.Outcome.values:
        raise ValidationFailed(_("Choose the outcome of the call."), field="outcome")
    note = _clean_text(note, field="note", label=_("note"), max_length=COMMENT_MAX, required=False)
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.register_appeal", appeal)
        call = CallBack.objects.create(appeal=appeal, operator=actor, outcome=outcome, note=note)
        _event(
            appeal,
            actor=actor,
            action=Event.Action.CALLED_BACK,
            from_state=appeal.state,
            comment=note,
            is_public=False,
            outcome=outcome,
        )
    return call


def appeal_comment(*, appeal_id: int, actor: User, comment: str) -> Event:
    """An internal note on the appeal, for staff only."""
    comment = _clean_text(comment, field="comment", label=_("note"), max_length=COMMENT_MAX)
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.view_appeal_internals", appeal)
        return _event(
            appeal,
            actor=actor,
            action=Event.Action.COMMENTED,
            from_state=appeal.state,
            comment=comment,
            is_public=False,
        )


# Bulk actions of the back office: each appeal in its own transaction, so that one refusal
# does not undo the others; the result says which were refused and why.
BULK_ACTIONS = {
    "assign": appeal_assign,
    "route": appeal_route,
    "start": appeal_start,
    "close": appeal_close,
}


def appeals_bulk(
    *, action: str, appeal_ids: Iterable[int], actor: User, **arguments: Any
) -> dict[int, str]:
    if action not in BULK_ACTIONS:
        raise ValidationFailed(_("Choose an action."), field="action")
    refused: dict[int, str] = {}
    for appeal_id in appeal_ids:
        try:
            BULK_ACTIONS[action](appeal_id=appeal_id, actor=actor, **arguments)
        except (ValidationFailed, PermissionDenied, NotFound, Conflict) as exc:
            refused[appeal_id] = exc.message
    return refused
