"""The back office of operators and executors: queues, one appeal with its actions, bulk
actions, registration on behalf of a citizen and the journal export.

Each view parses the input with a form from office_forms.py, calls one service and renders;
what a person may see comes from the selectors, what they may do is the services' decision.
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hromada.accounts.roles import Role
from hromada.appeals import exports, office_forms, selectors, services
from hromada.appeals.models import Appeal, Kind, State
from hromada.core.deadlines import KYIV
from hromada.core.errors import ApplicationError, NotFound
from hromada.directory.models import Membership

QUEUE_PAGE_SIZE = selectors.PAGE_SIZE
STATISTICS_DAYS = 365
STATISTICS_ADDRESSEES = 10


def _signed_in(view):
    """Anonymous visitors are sent to sign in (the same for every address, so nothing about
    which appeals exist is told)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def _back_office(view):
    @wraps(view)
    @_signed_in
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm("appeals.use_back_office"):
            raise Forbidden
        return view(request, *args, **kwargs)

    return wrapped


def _add_error(form, exc: ApplicationError, aliases: dict[str, str] | None = None) -> None:
    """The service's refusal beside the field it names, or above the form."""
    field = (aliases or {}).get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


# --- The queue --------------------------------------------------------------------------------


def _default_queue(user) -> str:
    roles = user.roles
    if Role.OPERATOR in roles:
        return "triage"
    if Role.EXECUTOR in roles:
        return "mine"
    return "all"


def _statistics(user) -> list[tuple[Any, selectors.Statistics]]:
    """The figures of the addressees the person works for, over the last year."""
    since = timezone.now() - timedelta(days=STATISTICS_DAYS)
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("addressee")
        .order_by("addressee__name")[:STATISTICS_ADDRESSEES]
    )
    return [
        (m.addressee, selectors.addressee_statistics(m.addressee_id, since=since))
        for m in memberships
    ]


def _may_register(user) -> bool:
    return bool(office_forms.kinds_registrable_by(user))


def _render(request, template: str, context: dict, status: int = 200):
    """A back-office page, with what its menu offers this person."""
    user = request.user
    context.setdefault("office_may_register", _may_register(user))
    context.setdefault(
        "office_may_export",
        user.has_perm("appeals.use_back_office") and user.has_perm("appeals.export_journal"),
    )
    return render(request, template, context, status=status)


@require_GET
@_back_office
def queue(request):
    user = request.user
    addressees = office_forms.addressee_names()
    form = office_forms.QueueFilterForm(request.GET, addressees=addressees)
    rows: list[Appeal] = []
    following = ""
    status = 200
    name = _default_queue(user)
    if form.is_valid():
        name = form.cleaned_data["queue"] or name
        try:
            filters = form.filters()
            rows, following = selectors.page_after(
                selectors.queue(user, name, filters),
                request.GET.get("after", ""),
                size=QUEUE_PAGE_SIZE,
                by_support=filters.sort == "support",
            )
        except ApplicationError as exc:
            _add_error(form, exc)
            status = 400
    else:
        status = 400
        if request.GET.get("queue") in selectors.QUEUES:
            name = request.GET["queue"]

    # The labels of kinds and states, looked up once per page rather than once per row.
    kinds, states = dict(Kind.choices), dict(State.choices)
    for row in rows:
        row.kind_label, row.state_label = kinds[row.kind], states[row.state]

    # Tabs keep the filters; every link drops the page cursor.
    kept = request.GET.copy()
    kept.pop("after", None)
    tabs = []
    for key, label in selectors.QUEUES.items():
        kept["queue"] = key
        tabs.append({"key": key, "label": label, "query": kept.urlencode(), "current": key == name})
    kept["queue"] = name
    next_query = ""
    if following:
        following_params = kept.copy()
        following_params["after"] = following
        next_query = following_params.urlencode()

    bulk = office_forms.BulkForm(
        auto_id="bulk-%s",
        initial={"return_query": request.GET.urlencode()},
        executors=office_forms.executor_choices({row.addressee_id for row in rows}),
        addressees=addressees,
    )
    return _render(
        request,
        "appeals/office/queue.html",
        {
            "form": form,
            "queue_name": name,
            "queue_label": selectors.QUEUES[name],
            "by_support": form.is_valid() and form.cleaned_data["sort"] == "support",
            "tabs": tabs,
            "rows": rows,
            "next_query": next_query,
            "first_query": kept.urlencode() if request.GET.get("after") else "",
            "bulk": bulk,
            # On the first page only: paging on through the queue stays as cheap as it can.
            "statistics": [] if request.GET.get("after") else _statistics(user),
            "now": timezone.now(),
        },
        status=status,
    )


@require_POST
@_back_office
def bulk(request):
    form = office_forms.BulkForm(request.POST)
    back = reverse("appeals:office_queue")
    if not form.is_valid():
        query = request.POST.get("return_query", "")[:2000]
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(f"{back}?{QueryDict(query).urlencode()}" if query else back)
    ids = form.cleaned_data["appeals"]
    try:
        refused = services.appeals_bulk(
            action=form.cleaned_data["action"],
            appeal_ids=ids,
            actor=request.user,
            **form.arguments(),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        refused = None
    if refused is not None:
        done = len(ids) - len(refused)
        if done:
            messages.success(
                request,
                ngettext(
                    "Done with %(count)d of %(total)d appeal.",
                    "Done with %(count)d of %(total)d appeals.",
                    len(ids),
                )
                % {"count": done, "total": len(ids)},
            )
        if refused:
            # Only numbers the person may see: a refused id they may not see stays an id.
            numbers = dict(
                selectors.appeals_visible_to(request.user)
                .filter(pk__in=refused)
                .values_list("pk", "number")
            )
            for appeal_id, message in refused.items():
                messages.warning(
                    request,
                    _("%(number)s was refused: %(reason)s")
                    % {"number": numbers.get(appeal_id, f"#{appeal_id}"), "reason": message},
                )
    query = form.cleaned_data["return_query"]
    return redirect(f"{back}?{QueryDict(query).urlencode()}" if query else back)


# --- One appeal -------------------------------------------------------------------------------

WORKING = [State.REGISTERED, State.ASSIGNED, State.IN_PROGRESS, State.REOPENED]


@dataclass(frozen=True)
class Action:
    title: Any
    button: Any
    form: type[office_forms.ActionForm]
    service: Any
    permission: str
    states: tuple[str, ...] | None  # None: in any state
    done: Any


# Order: what the page offers, from the first steps to the side notes.
ACTIONS: dict[str, Action] = {
    "register": Action(
        gettext_lazy("Register"),
        gettext_lazy("Register"),
        office_forms.RegisterForm,
        services.appeal_register,
        "appeals.register_appeal",
        (State.SUBMITTED,),
        gettext_lazy("The appeal is registered and sent to its addressee."),
    ),
    "route": Action(
        gettext_lazy("Send to another addressee"),
        gettext_lazy("Send"),
        office_forms.RouteForm,
        services.appeal_route,
        "appeals.register_appeal",
        tuple(WORKING),
        gettext_lazy("The appeal is sent to the other addressee."),
    ),
    "assign": Action(
        gettext_lazy("Assign to an executor"),
        gettext_lazy("Assign"),
        office_forms.AssignForm,
        services.appeal_assign,
        "appeals.assign_appeal",
        tuple(WORKING),
        gettext_lazy("The executor is assigned and told."),
    ),
    "start": Action(
        gettext_lazy("Take into work"),
        gettext_lazy("Take into work"),
        office_forms.StartForm,
        services.appeal_start,
        "appeals.work_on_appeal",
        (State.ASSIGNED, State.REOPENED),
        gettext_lazy("The appeal is in progress."),
    ),
    "answer": Action(
        gettext_lazy("Answer"),
        gettext_lazy("Send the answer"),
        office_forms.AnswerForm,
        services.appeal_answer,
        "appeals.work_on_appeal",
        tuple(WORKING),
        gettext_lazy("The answer is sent to the author."),
    ),
    "extend": Action(
        gettext_lazy("Extend the deadline"),
        gettext_lazy("Extend"),
        office_forms.ExtendForm,
        services.appeal_extend,
        "appeals.work_on_appeal",
        tuple(WORKING),
        gettext_lazy("The deadline is extended and the author told."),
    ),
    "return": Action(
        gettext_lazy("Return to the author"),
        gettext_lazy("Return"),
        office_forms.ReturnForm,
        services.appeal_return,
        "appeals.register_appeal",
        (State.SUBMITTED, State.REGISTERED, State.ASSIGNED),
        gettext_lazy("The appeal is returned to the author with the explanation."),
    ),
    "forward": Action(
        gettext_lazy("Forward to the competent body"),
        gettext_lazy("Forward"),
        office_forms.ForwardForm,
        services.appeal_forward,
        "appeals.register_appeal",
        (State.SUBMITTED, State.REGISTERED, State.ASSIGNED),
        gettext_lazy("The appeal is forwarded and the author told."),
    ),
    "not_consider": Action(
        gettext_lazy("Leave unconsidered"),
        gettext_lazy("Leave unconsidered"),
        office_forms.NotConsiderForm,
        services.appeal_not_consider,
        "appeals.register_appeal",
        (State.SUBMITTED, *WORKING[:3]),
        gettext_lazy("The appeal is left unconsidered and the author told."),
    ),
    "duplicate": Action(
        gettext_lazy("Mark as a duplicate"),
        gettext_lazy("Mark as a duplicate"),
        office_forms.DuplicateForm,
        services.appeal_mark_duplicate,
        "appeals.register_appeal",
        (State.SUBMITTED, State.REGISTERED, State.ASSIGNED),
        gettext_lazy("The appeal is marked as a duplicate."),
    ),
    "reopen": Action(
        gettext_lazy("Reopen"),
        gettext_lazy("Reopen"),
        office_forms.ReopenForm,
        services.appeal_reopen,
        "appeals.register_appeal",
        (State.ANSWERED, State.CLOSED),
        gettext_lazy("The appeal is reopened with a new deadline."),
    ),
    "close": Action(
        gettext_lazy("Close"),
        gettext_lazy("Close"),
        office_forms.CloseForm,
        services.appeal_close,
        "appeals.register_appeal",
        (State.ANSWERED,),
        gettext_lazy("The appeal is closed."),
    ),
    "call_back": Action(
        gettext_lazy("Record a call-back"),
        gettext_lazy("Record"),
        office_forms.CallBackForm,
        services.appeal_call_back,
        "appeals.register_appeal",
        None,
        gettext_lazy("The call-back is recorded."),
    ),
    "comment": Action(
        gettext_lazy("Internal note"),
        gettext_lazy("Add the note"),
        office_forms.CommentForm,
        services.appeal_comment,
        "appeals.view_appeal_internals",
        None,
        gettext_lazy("The note is added."),
    ),
}


@dataclass
class Offered:
    slug: str
    action: Action
    form: office_forms.ActionForm
    is_open: bool = False


def _form(slug: str, appeal: Appeal, user, data=None, files=None, limit=(None, "")):
    kwargs: dict[str, Any] = {"appeal": appeal, "user": user, "prefix": slug}
    if slug == "extend":
        kwargs.update(limit=limit[0], basis=limit[1])
    return ACTIONS[slug].form(data, files, **kwargs)


def _permissions(user, appeal: Appeal) -> dict[str, bool]:
    return {
        permission: user.has_perm(permission, appeal)
        for permission in {action.permission for action in ACTIONS.values()}
    }


def _is_offered(slug: str, appeal: Appeal, allowed: dict[str, bool], limit) -> bool:
    """Whether the page offers the action: the right, the state, and what it needs."""
    action = ACTIONS[slug]
    if not allowed[action.permission]:
        return False
    if action.states is not None and appeal.state not in action.states:
        return False
    if slug == "assign" and appeal.addressee_id is None:
        return False
    return not (slug == "extend" and limit[0] is None)


def _offered(user, appeal: Appeal, limit, posted: Offered | None) -> list[Offered]:
    """The actions this person may take in the appeal's present state."""
    allowed = _permissions(user, appeal)
    offered = []
    for slug, action in ACTIONS.items():
        if not _is_offered(slug, appeal, allowed, limit):
            continue
        if posted is not None and posted.slug == slug:
            offered.append(posted)
        else:
            offered.append(Offered(slug, action, _form(slug, appeal, user, limit=limit)))
    return offered


def _visible_link(user, linked: Appeal | None) -> Appeal | None:
    return linked if linked is not None and user.has_perm("appeals.view_appeal", linked) else None


def _detail(request, appeal: Appeal, *, posted: Offered | None = None, refusal="", status=200):
    user = request.user
    limit = office_forms.extension_limit(appeal) if appeal.state in WORKING else (None, "")
    offered = _offered(user, appeal, limit, posted)
    # A refusal of an action the page shows is told beside its fields; of one it does not
    # show (wrong state, no right), on top of the page.
    if posted is not None and posted.slug in {o.slug for o in offered}:
        refusal = ""
    attachments = list(appeal.attachments.all())
    answers = list(
        appeal.answers.select_related("author", "rating").prefetch_related("attachments")
    )
    context = {
        "appeal": appeal,
        "events": selectors.timeline(appeal, internals=True),
        "earlier": selectors.earlier_of_author(appeal, user),
        "similar": selectors.similar(appeal, user),
        "call_backs": list(appeal.call_backs.select_related("operator")),
        "answers": answers,
        "attachments": [a for a in attachments if a.answer_id is None],
        "signers": list(appeal.signers.select_related("user")),
        "repeated_of": _visible_link(user, appeal.repeated_of),
        "duplicate_of": _visible_link(user, appeal.duplicate_of),
        "complaint_about": _visible_link(user, appeal.complaint_about),
        "offered": offered,
        "refusal": refusal,
        "extension_limit": limit,
        "is_corruption_report": appeal.kind == Kind.CORRUPTION_REPORT,
    }
    return _render(request, "appeals/office/detail.html", context, status=status)


def _appeal_or_404(user, pk: int) -> Appeal:
    appeal = selectors.appeal_for(user, pk)
    if appeal is None or not user.has_perm("appeals.view_appeal_internals", appeal):
        raise Http404
    return appeal


@require_GET
@_signed_in
def detail(request, pk: int):
    return _detail(request, _appeal_or_404(request.user, pk))


@require_POST
def act(request, pk: int, action: str):
    if not request.user.is_authenticated:
        # Back to the appeal's page after signing in, not to an address that only takes POST.
        return redirect_to_login(reverse("appeals:office_detail", kwargs={"pk": pk}))
    if action not in ACTIONS:
        raise Http404
    user = request.user
    appeal = _appeal_or_404(user, pk)
    spec = ACTIONS[action]
    limit = office_forms.extension_limit(appeal) if action == "extend" else (None, "")
    form = _form(action, appeal, user, request.POST, request.FILES, limit=limit)
    posted = Offered(action, spec, form, is_open=True)
    if not form.is_valid():
        if _is_offered(action, appeal, _permissions(user, appeal), limit):
            return _detail(request, appeal, posted=posted, status=422)
        # Nothing to correct in a form the page does not offer.
        return _detail(
            request,
            appeal,
            posted=posted,
            refusal=_("This action is not available for this appeal now."),
            status=409,
        )
    try:
        spec.service(appeal_id=appeal.pk, actor=user, **form.arguments())
    except NotFound as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        _add_error(form, exc)
        # Show the appeal as it is now, not as it was before the refused attempt.
        appeal = _appeal_or_404(user, pk)
        form.appeal = appeal
        return _detail(request, appeal, posted=posted, refusal=exc.message, status=exc.status)
    messages.success(request, spec.done)
    return redirect("appeals:office_detail", pk=appeal.pk)


# --- Registration on behalf of a citizen -----------------------------------------------------


@require_http_methods(["GET", "POST"])
@_back_office
def register_on_behalf(request):
    user = request.user
    if not _may_register(user):
        raise Forbidden
    if request.method == "GET":
        form = office_forms.OnBehalfForm(user=user, initial={"channel": "phone"})
        return _render(request, "appeals/office/new.html", {"form": form})
    form = office_forms.OnBehalfForm(request.POST, request.FILES, user=user)
    if form.is_valid():
        try:
            appeal = services.appeal_submit(actor=user, **form.arguments())
        except ApplicationError as exc:
            _add_error(form, exc, {"location": "latitude"})
        else:
            messages.success(
                request,
                _("Registered as %(number)s; due %(due)s.")
                % {
                    "number": appeal.number,
                    "due": formats.date_format(appeal.due_at.astimezone(KYIV).date()),
                },
            )
            return redirect("appeals:office_detail", pk=appeal.pk)
    return _render(request, "appeals/office/new.html", {"form": form}, status=422)


# --- The journal ------------------------------------------------------------------------------


@require_GET
@_signed_in
def journal_export(request):
    user = request.user
    if not (user.has_perm("appeals.use_back_office") and user.has_perm("appeals.export_journal")):
        raise Forbidden
    if "received_from" not in request.GET:
        form = office_forms.JournalForm(initial=office_forms.JournalForm.initial_period())
        return _render(request, "appeals/office/journal.html", {"form": form})
    form = office_forms.JournalForm(request.GET)
    if not form.is_valid():
        return _render(request, "appeals/office/journal.html", {"form": form}, status=400)
    start, end = form.cleaned_data["received_from"], form.cleaned_data["received_to"]
    appeals = selectors.journal(user, received_from=start, received_to=end)
    filename = f"journal-{start.isoformat()}-{end.isoformat()}"
    if form.cleaned_data["format"] == "xlsx":
        return exports.journal_xlsx(appeals, filename=filename)
    return exports.journal_csv(appeals, filename=filename)
