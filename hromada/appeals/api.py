"""The appeals JSON API (/api/v1/appeals/): the citizen's and the back office's.

Every endpoint is thin: it turns codes into objects, calls one service of services.py or a
selector of selectors.py, and renders. Refusals are ApplicationErrors, mapped in core.api.
"""

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Path, Query, Router, Status
from ninja.files import UploadedFile

from hromada.accounts.models import User
from hromada.appeals import selectors, services
from hromada.appeals.limits import refuse_flood
from hromada.appeals.models import Appeal, Category, Channel, Kind
from hromada.appeals.schemas import (
    AnswerIn,
    AppealIn,
    AppealOut,
    AppealQueueOut,
    AssignIn,
    CallBackIn,
    CategoryOut,
    CloseIn,
    CommentIn,
    DisputeIn,
    DuplicateIn,
    ErrorOut,
    EventOut,
    ExtendIn,
    ForwardIn,
    KindOut,
    MineOut,
    NotConsiderIn,
    QueueFilters,
    RatedOut,
    RatingIn,
    RegisterIn,
    ReopenIn,
    ReturnIn,
    RouteIn,
)
from hromada.core import deadlines
from hromada.core.errors import NotFound, PermissionDenied, ValidationFailed
from hromada.core.models import District
from hromada.core.pagination import PageQuery, offset_page
from hromada.directory.models import Addressee

router = Router(tags=["appeals"])
BACK_OFFICE = ["appeals: back office"]
# Documented on every signed-in endpoint, so a client (or a fuzzer) knows the error shape.
REFUSALS = frozenset({400, 401, 403, 404, 409, 422, 429})


def answers(status: int, schema) -> dict:
    return {status: schema, REFUSALS: ErrorOut}


AppealId = Path[int]


# --- Codes to objects -----------------------------------------------------------------------


def _addressee(slug: str | None) -> Addressee | None:
    if not slug:
        return None
    addressee = Addressee.objects.filter(slug=slug).first()
    if addressee is None:
        raise ValidationFailed(_("No addressee with this code."), field="addressee")
    return addressee


def _category(slug: str | None) -> Category | None:
    if not slug:
        return None
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise ValidationFailed(_("No category with this code."), field="category")
    return category


def _visible(user: User, appeal_id: int) -> Appeal:
    appeal = selectors.appeal_for(user, appeal_id)
    if appeal is None:
        raise NotFound(_("No such appeal."))
    return appeal


# --- Rendering ------------------------------------------------------------------------------


def _named(obj) -> dict | None:
    return {"slug": obj.slug, "name": obj.name} if obj is not None else None


def _person(user: User | None) -> dict | None:
    return {"id": user.pk, "name": user.full_name or user.email} if user is not None else None


def _ref(appeal: Appeal | None) -> dict | None:
    return {"id": appeal.pk, "number": appeal.number} if appeal is not None else None


def _attachment(appeal: Appeal, attachment) -> dict:
    return {
        "id": attachment.pk,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": reverse(
            "appeals:attachment", kwargs={"pk": appeal.pk, "attachment_pk": attachment.pk}
        ),
    }


def _api_url(name: str, appeal: Appeal) -> str:
    return reverse(f"api:{name}", kwargs={"appeal_id": appeal.pk})


def _rating(rating) -> dict:
    return {
        "answer": rating.answer_id,
        "quality": rating.quality,
        "speed": rating.speed,
        "completeness": rating.completeness,
        "comment": rating.comment,
        "created_at": rating.created_at,
    }


def _appeal(user: User, appeal: Appeal) -> dict:
    """One appeal as its reader may see it: the internals only for staff allowed them."""
    attachments = list(appeal.attachments.all())
    signers = list(appeal.signers.values_list("confirmed_at", flat=True))
    staff = None
    if user.has_perm("appeals.view_appeal_internals", appeal):
        staff = {
            "author": {
                "user": appeal.author_id,
                "name": appeal.author_name,
                "address": appeal.author_address,
                "email": appeal.author_email,
                "phone": appeal.author_phone,
                "is_anonymous": appeal.is_anonymous,
            },
            "executor": _person(appeal.executor),
            "registered_by": _person(appeal.registered_by),
            "routing_reason": appeal.routing_reason,
            "repeated_of": _ref(appeal.repeated_of),
            "page": reverse("appeals:office_detail", kwargs={"pk": appeal.pk}),
        }
    original = appeal.duplicate_of
    return {
        "id": appeal.pk,
        "number": appeal.number,
        "kind": appeal.kind,
        "kind_label": str(appeal.get_kind_display()),
        "state": appeal.state,
        "state_label": str(appeal.get_state_display()),
        "channel": appeal.channel,
        "subject": appeal.subject,
        "text": appeal.text,
        "addressee": _named(appeal.addressee),
        "category": _named(appeal.category),
        "district": _named(appeal.district),
        "latitude": appeal.latitude,
        "longitude": appeal.longitude,
        "location_text": appeal.location_text,
        "is_public": appeal.is_public,
        "is_urgent": appeal.is_urgent,
        "urgency_reason": appeal.urgency_reason,
        "is_collective": appeal.is_collective,
        "has_benefits": appeal.has_benefits,
        "complaint_about": appeal.complaint_about_id,
        "decision_date": appeal.decision_date,
        "learned_date": appeal.learned_date,
        # Another person's appeal may be the original: named only to those who may open it.
        "duplicate_of": _ref(original)
        if original is not None and user.has_perm("appeals.view_appeal", original)
        else None,
        "forwarded_to": appeal.forwarded_to,
        "received_at": appeal.received_at,
        "registered_at": appeal.registered_at,
        "due_at": appeal.due_at,
        "deadline_basis": str(appeal.deadline_basis()),
        "extended_at": appeal.extended_at,
        "answered_at": appeal.answered_at,
        "closed_at": appeal.closed_at,
        "is_overdue": appeal.is_overdue,
        "attachments": [_attachment(appeal, a) for a in attachments if a.answer_id is None],
        "answers": [
            {
                "id": answer.pk,
                "text": answer.text,
                "created_at": answer.created_at,
                "attachments": [
                    _attachment(appeal, a) for a in attachments if a.answer_id == answer.pk
                ],
            }
            for answer in appeal.answers.all()
        ],
        "ratings": [_rating(r) for r in appeal.ratings.order_by("created_at", "pk")],
        "signers": {
            "invited": len(signers),
            "confirmed": sum(1 for confirmed in signers if confirmed is not None),
        },
        "links": {
            "self": _api_url("appeal_detail", appeal),
            "timeline": _api_url("appeal_timeline", appeal),
            "page": appeal.get_absolute_url(),
        },
        "staff": staff,
    }


def _line(appeal: Appeal) -> dict:
    return {
        "id": appeal.pk,
        "number": appeal.number,
        "kind": appeal.kind,
        "state": appeal.state,
        "state_label": str(appeal.get_state_display()),
        "subject": appeal.subject,
        "addressee": _named(appeal.addressee),
        "received_at": appeal.received_at,
        "due_at": appeal.due_at,
        "is_overdue": appeal.is_overdue,
        "url": _api_url("appeal_detail", appeal),
    }


def _reread(user: User, appeal_id: int) -> dict:
    """After an action, the appeal as it is now, read through the same visibility rules."""
    return _appeal(user, _visible(user, appeal_id))


# --- Public: what a form needs --------------------------------------------------------------


@router.get(
    "/categories",
    response=list[CategoryOut],
    auth=None,
    summary="Categories of appeals and problem reports",
)
def categories(request):
    return list(Category.objects.filter(is_active=True).order_by("order", "name"))


@router.get("/kinds", response=list[KindOut], auth=None, summary="Kinds of appeal and their terms")
def kinds(request):
    now = timezone.now()
    return [
        {
            "value": kind.value,
            "label": str(kind.label),
            "term": str(deadlines.deadline_for(kind.value, now).basis),
            "urgent_term": str(deadlines.deadline_for(kind.value, now, urgent=True).basis)
            if kind == Kind.PUBLIC_INFORMATION
            else None,
        }
        for kind in Kind
    ]


# --- The citizen's side ---------------------------------------------------------------------


def _submit(request, payload: AppealIn, files=()) -> Appeal:
    complaint_about = None
    if payload.complaint_about is not None:
        complaint_about = selectors.appeal_for(request.auth, payload.complaint_about)
        if complaint_about is None:
            raise ValidationFailed(
                _("A complaint about an answer is filed by that appeal's author."),
                field="complaint_about",
            )
    refuse_flood(request, anonymous=payload.is_anonymous)
    return services.appeal_submit(
        actor=request.auth,
        channel=Channel.API,
        kind=payload.kind,
        subject=payload.subject,
        text=payload.text,
        addressee=_addressee(payload.addressee),
        category=_category(payload.category),
        latitude=payload.latitude,
        longitude=payload.longitude,
        location_text=payload.location_text,
        is_public=payload.is_public,
        is_urgent=payload.is_urgent,
        urgency_reason=payload.urgency_reason,
        is_anonymous=payload.is_anonymous,
        has_benefits=payload.has_benefits,
        co_signers=payload.co_signers,
        complaint_about=complaint_about,
        decision_date=payload.decision_date,
        learned_date=payload.learned_date,
        files=files,
    )


@router.post(
    "/",
    response=answers(201, AppealOut),
    url_name="appeal_submit",
    summary="File an appeal",
    description=(
        "A JSON body. To attach files, use the multipart variant `/appeals/with-files`. "
        "The answer carries the registration number, the addressee and the legal deadline."
    ),
)
def submit(request, payload: AppealIn):
    # Rendered from the new appeal itself: an anonymous report has no author who could
    # read it back later, so this receipt is the one time its filer sees it.
    return Status(201, _appeal(request.auth, _submit(request, payload)))


@router.post(
    "/with-files",
    response=answers(201, AppealOut),
    url_name="appeal_submit_with_files",
    summary="File an appeal with attachments",
    description=(
        "multipart/form-data: the field `payload` holds the same JSON as `POST /appeals/`, "
        "the field `files` the attachments (images, PDF, office documents)."
    ),
)
def submit_with_files(request, payload: AppealIn, files: File[list[UploadedFile]] = None):
    return Status(201, _appeal(request.auth, _submit(request, payload, files or ())))


@router.get(
    "/mine", response=answers(200, MineOut), summary="The signed-in person's appeals, newest first"
)
def mine(request, page: Query[PageQuery]):
    appeals = selectors.appeals_of_author(request.auth)
    rows, more = offset_page(appeals, cursor=page.cursor, limit=page.limit)
    return {"count": appeals.count(), "items": [_line(a) for a in rows], **more}


@router.get(
    "/{int:appeal_id}",
    response=answers(200, AppealOut),
    url_name="appeal_detail",
    summary="One appeal",
)
def detail(request, appeal_id: AppealId):
    return _appeal(request.auth, _visible(request.auth, appeal_id))


@router.get(
    "/{int:appeal_id}/timeline",
    response=answers(200, list[EventOut]),
    url_name="appeal_timeline",
    summary="The appeal's timeline",
    description="The author sees the public events; staff allowed the internals see all.",
)
def timeline(request, appeal_id: AppealId):
    user = request.auth
    appeal = _visible(user, appeal_id)
    internals = user.has_perm("appeals.view_appeal_internals", appeal)
    events = []
    for event in selectors.timeline(appeal, internals=internals):
        line = {
            "id": event.pk,
            "action": event.action,
            "action_label": str(event.get_action_display()),
            "created_at": event.created_at,
            "from_state": event.from_state,
            "to_state": event.to_state,
            "comment": event.comment,
        }
        if internals:
            line |= {
                "actor": _person(event.actor),
                "is_public": event.is_public,
                "payload": event.payload,
            }
        events.append(line)
    return events


@router.post(
    "/{int:appeal_id}/rating",
    response=answers(201, RatedOut),
    summary="Rate the answer (the author, once per answer)",
)
def rate(request, appeal_id: AppealId, payload: RatingIn):
    rating = services.appeal_rate(
        appeal_id=appeal_id,
        actor=request.auth,
        quality=payload.quality,
        speed=payload.speed,
        completeness=payload.completeness,
        comment=payload.comment,
        dispute=payload.dispute,
    )
    # rating.appeal is the row the service changed: reopened when disputed.
    return Status(201, {**_rating(rating), "appeal_state": rating.appeal.state})


@router.post(
    "/{int:appeal_id}/close", response=answers(200, AppealOut), summary="Accept the answer"
)
def close(request, appeal_id: AppealId, payload: CloseIn | None = None):
    appeal = services.appeal_close(
        appeal_id=appeal_id, actor=request.auth, comment=payload.comment if payload else ""
    )
    return _reread(request.auth, appeal.pk)


@router.post(
    "/{int:appeal_id}/dispute",
    response=answers(200, AppealOut),
    summary="Dispute the answer: reopen it",
)
def dispute(request, appeal_id: AppealId, payload: DisputeIn):
    appeal = services.appeal_reopen(appeal_id=appeal_id, actor=request.auth, reason=payload.reason)
    return _reread(request.auth, appeal.pk)


@router.post(
    "/{int:appeal_id}/signature",
    response=answers(200, AppealOut),
    summary="Confirm one's signature under a collective appeal",
)
def sign(request, appeal_id: AppealId):
    signer = services.signer_confirm(appeal_id=appeal_id, user=request.auth)
    return _reread(request.auth, signer.appeal_id)


# --- The back office ------------------------------------------------------------------------


def _date(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(_("Enter a date as YYYY-MM-DD."), field=field) from exc


def _filters(query: QueueFilters) -> selectors.Filters:
    district = None
    if query.district:
        district = District.objects.filter(slug=query.district).first()
        if district is None:
            raise ValidationFailed(_("No district with this code."), field="district")
    addressee = _addressee(query.addressee)
    category = _category(query.category)
    return selectors.Filters(
        kind=query.kind,
        state=query.state,
        addressee_id=addressee.pk if addressee else None,
        category_id=category.pk if category else None,
        district_id=district.pk if district else None,
        channel=query.channel,
        received_from=_date(query.received_from, "received_from"),
        received_to=_date(query.received_to, "received_to"),
        query=query.q,
    )


@router.get(
    "/queues/{name}",
    response=answers(200, AppealQueueOut),
    tags=BACK_OFFICE,
    summary="A back-office queue, earliest deadline first",
    description=(
        "Queues: " + ", ".join(selectors.QUEUES) + ". Keyset pages: pass `next_cursor` as `cursor`."
    ),
)
def queue(
    request,
    query: Query[QueueFilters],
    name: str = Path(..., description="One of: " + ", ".join(selectors.QUEUES)),
):
    user = request.auth
    if name not in selectors.QUEUES:
        raise NotFound(_("No such queue."))
    if not user.has_perm("appeals.use_back_office"):
        raise PermissionDenied(_("The back office is for staff."))
    appeals = selectors.queue(user, name, _filters(query))
    try:
        rows, following = selectors.page_after(appeals, query.cursor, size=query.limit)
    except ValidationFailed as exc:  # the office page's message; the API's parameter
        raise ValidationFailed(exc.message, field="cursor") from exc
    return {
        "queue": name,
        "items": [
            {
                **_line(a),
                "channel": a.channel,
                "category": _named(a.category),
                "executor": _person(a.executor),
                "is_urgent": a.is_urgent,
                "has_benefits": a.has_benefits,
                "is_collective": a.is_collective,
            }
            for a in rows
        ],
        "next_cursor": following or None,
        "has_more": bool(following),
    }


TRANSITION = "/{int:appeal_id}/transitions/"


def _transition(action: str, summary: str, description: str = ""):
    return router.post(
        TRANSITION + action,
        response=answers(200, AppealOut),
        tags=BACK_OFFICE,
        summary=summary,
        description=description,
        url_name="appeal_" + action.replace("/", "_").replace("-", "_"),
    )


@_transition("register", "Register a submitted appeal and send it to its addressee")
def register(request, appeal_id: AppealId, payload: RegisterIn):
    appeal = services.appeal_register(
        appeal_id=appeal_id,
        actor=request.auth,
        addressee=_addressee(payload.addressee),
        category=_category(payload.category),
        is_simple=payload.is_simple,
        comment=payload.comment,
    )
    return _reread(request.auth, appeal.pk)


@_transition("route", "Send it to another addressee (a routing correction)")
def route(request, appeal_id: AppealId, payload: RouteIn):
    addressee = _addressee(payload.addressee)
    if addressee is None:
        raise ValidationFailed(_("Choose the addressee."), field="addressee")
    appeal = services.appeal_route(
        appeal_id=appeal_id, actor=request.auth, addressee=addressee, comment=payload.comment
    )
    return _reread(request.auth, appeal.pk)


@_transition("assign", "Give it to an executor")
def assign(request, appeal_id: AppealId, payload: AssignIn):
    executor = User.objects.filter(pk=payload.executor).first()
    if executor is None:
        raise ValidationFailed(
            _("The executor must be a member of staff of the addressee."), field="executor"
        )
    appeal = services.appeal_assign(
        appeal_id=appeal_id, actor=request.auth, executor=executor, comment=payload.comment
    )
    return _reread(request.auth, appeal.pk)


@_transition("start", "Take it into work")
def start(request, appeal_id: AppealId):
    appeal = services.appeal_start(appeal_id=appeal_id, actor=request.auth)
    return _reread(request.auth, appeal.pk)


@_transition("answer", "Answer it", "The answer reaches the author's cabinet and e-mail.")
def answer(request, appeal_id: AppealId, payload: AnswerIn):
    services.appeal_answer(appeal_id=appeal_id, actor=request.auth, text=payload.text)
    return _reread(request.auth, appeal_id)


@_transition(
    "answer/with-files",
    "Answer it, with attachments",
    "multipart/form-data: the field `payload` holds the JSON of `transitions/answer`, the "
    "field `files` the attachments.",
)
def answer_with_files(
    request, appeal_id: AppealId, payload: AnswerIn, files: File[list[UploadedFile]] = None
):
    services.appeal_answer(
        appeal_id=appeal_id, actor=request.auth, text=payload.text, files=files or ()
    )
    return _reread(request.auth, appeal_id)


@_transition(
    "extend",
    "Extend the deadline",
    "Law 393/96-ВР art. 20: with notice to the author, never beyond 45 days in total; public "
    "information: to 20 working days, within the first 5.",
)
def extend(request, appeal_id: AppealId, payload: ExtendIn):
    appeal = services.appeal_extend(
        appeal_id=appeal_id, actor=request.auth, reason=payload.reason, new_due=payload.new_due
    )
    return _reread(request.auth, appeal.pk)


@_transition(
    "return",
    "Return it to the author",
    "Law 393/96-ВР art. 5: required content is missing; within 10 days of receipt.",
)
def return_(request, appeal_id: AppealId, payload: ReturnIn):
    appeal = services.appeal_return(
        appeal_id=appeal_id, actor=request.auth, explanation=payload.comment
    )
    return _reread(request.auth, appeal.pk)


@_transition(
    "forward",
    "Forward it to the competent body",
    "Law 393/96-ВР art. 7: outside the council's competence; within 5 days of receipt.",
)
def forward(request, appeal_id: AppealId, payload: ForwardIn):
    appeal = services.appeal_forward(
        appeal_id=appeal_id, actor=request.auth, to=payload.forwarded_to, comment=payload.comment
    )
    return _reread(request.auth, appeal.pk)


@_transition("not_consider", "Leave it unconsidered (Law 393/96-ВР art. 8)")
def not_consider(request, appeal_id: AppealId, payload: NotConsiderIn):
    appeal = services.appeal_not_consider(
        appeal_id=appeal_id, actor=request.auth, reason=payload.reason, comment=payload.comment
    )
    return _reread(request.auth, appeal.pk)


@_transition("duplicate", "Mark it as a duplicate of another appeal")
def duplicate(request, appeal_id: AppealId, payload: DuplicateIn):
    appeal = services.appeal_mark_duplicate(
        appeal_id=appeal_id,
        actor=request.auth,
        original_id=payload.original,
        comment=payload.comment,
    )
    return _reread(request.auth, appeal.pk)


@_transition("reopen", "Reopen an answered or closed appeal")
def reopen(request, appeal_id: AppealId, payload: ReopenIn):
    appeal = services.appeal_reopen(appeal_id=appeal_id, actor=request.auth, reason=payload.reason)
    return _reread(request.auth, appeal.pk)


@_transition("close", "Close an answered appeal")
def close_answered(request, appeal_id: AppealId, payload: CloseIn | None = None):
    appeal = services.appeal_close(
        appeal_id=appeal_id, actor=request.auth, comment=payload.comment if payload else ""
    )
    return _reread(request.auth, appeal.pk)


@_transition("call_back", "Record a call back to the author and its outcome")
def call_back(request, appeal_id: AppealId, payload: CallBackIn):
    services.appeal_call_back(
        appeal_id=appeal_id, actor=request.auth, outcome=payload.outcome, note=payload.note
    )
    return _reread(request.auth, appeal_id)


@_transition("comment", "Add an internal note (staff only)")
def comment(request, appeal_id: AppealId, payload: CommentIn):
    services.appeal_comment(appeal_id=appeal_id, actor=request.auth, comment=payload.comment)
    return _reread(request.auth, appeal_id)


@router.post(TRANSITION + "{action}", include_in_schema=False)
def unknown_transition(request, appeal_id: int, action: str):
    # Without it an unknown action would fall through to the site's HTML 404 page.
    raise NotFound(_("No such action."))
