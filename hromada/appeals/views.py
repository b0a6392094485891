"""The citizen's side of appeals: the form, the list in the cabinet, one appeal and what its
author and co-signers do with it. Each view parses, calls one service and renders."""

from datetime import timedelta
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hromada.accounts.selectors import profile_missing_fields
from hromada.appeals import selectors, services
from hromada.appeals.forms import (
    FIELD_ALIASES,
    KIND_FIELDS,
    AnonymousReportForm,
    AppealForm,
    DisputeForm,
    RatingForm,
    kind_guide,
)
from hromada.appeals.limits import refuse_flood
from hromada.appeals.models import OPEN_STATES, Appeal, Kind, State
from hromada.core.deadlines import KYIV
from hromada.core.errors import ApplicationError, NotFound
from hromada.directory.models import Addressee

MY_PAGE_SIZE = 20


def _add_service_error(form, exc: ApplicationError) -> None:
    field = FIELD_ALIASES.get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


def _appeal_or_404(request, pk: int) -> Appeal:
    appeal = selectors.appeal_for(request.user, pk)
    if appeal is None:
        raise Http404(_("No such appeal."))
    return appeal


def _due_date(appeal: Appeal) -> str:
    return formats.date_format(appeal.due_at.astimezone(KYIV).date(), "j E Y")


# --- Filing ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def appeal_new(request):
    """Signed-in residents with a complete profile file any kind; anybody may file an
    anonymous report of possible corruption."""
    user = request.user
    missing = profile_missing_fields(user) if user.is_authenticated else []
    if user.is_authenticated and not missing:
        return _appeal_form(request)
    if request.GET.get("kind") == Kind.CORRUPTION_REPORT:
        return _anonymous_form(request)
    return render(
        request,
        "appeals/cannot_file.html",
        {"missing": missing, "login_url": f"{reverse('account_login')}?next={_here(request)}"},
    )


def _here(request) -> str:
    return quote(request.get_full_path())


def _appeal_form(request):
    complaint_about = None
    about = request.POST.get("complaint_about") or request.GET.get("about")
    if about and str(about).isdigit():
        # Only an appeal the person may see; the service checks that they wrote it.
        complaint_about = selectors.appeal_for(request.user, int(about))

    if request.method == "POST":
        form = AppealForm(request.POST, request.FILES)
        if form.is_valid():
            arguments = form.service_arguments(complaint_about)
            try:
                refuse_flood(request, anonymous=arguments["is_anonymous"])
                appeal = services.appeal_submit(
                    # An anonymous report must not record who sent it, not even as the actor.
                    actor=None if arguments["is_anonymous"] else request.user,
                    files=request.FILES.getlist("files"),
                    **arguments,
                )
            except ApplicationError as exc:
                _add_service_error(form, exc)
            else:
                if appeal.author_id is None:
                    return _anonymous_confirmation(request, appeal)
                messages.success(request, _accepted_message(appeal))
                return redirect(appeal)
    else:
        initial = {}
        if request.GET.get("kind") in Kind.values:
            initial["kind"] = request.GET["kind"]
        if request.GET.get("to"):
            initial["addressee"] = (
                Addressee.objects.filter(slug=request.GET["to"], is_published=True)
                .values_list("pk", flat=True)
                .first()
            )
        if complaint_about is not None:
            initial.update(kind=Kind.COMPLAINT, complaint_about=complaint_about.pk)
            if complaint_about.answered_at:
                initial["decision_date"] = complaint_about.answered_at.astimezone(KYIV).date()
        form = AppealForm(initial=initial)
    return render(
        request,
        "appeals/new.html",
        {
            "form": form,
            "kinds": kind_guide(),
            "kind_fields": {name: " ".join(kinds) for name, kinds in KIND_FIELDS.items()},
            "complaint_about": complaint_about,
        },
    )


def _accepted_message(appeal: Appeal) -> str:
    addressee = (
        appeal.addressee.name
        if appeal.addressee
        else _("the appeals department will choose the addressee")
    )
    return _(
        "Your appeal is accepted. Registration number: %(number)s. Addressee: %(addressee)s. "
        "The answer is due by %(date)s. We have sent this to your e-mail too."
    ) % {"number": appeal.number, "addressee": addressee, "date": _due_date(appeal)}


def _anonymous_form(request):
    form = AnonymousReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            refuse_flood(request, anonymous=True)
            appeal = services.appeal_submit(
                actor=None,
                kind=Kind.CORRUPTION_REPORT,
                subject=form.cleaned_data["subject"],
                text=form.cleaned_data["text"],
                is_anonymous=True,
                files=request.FILES.getlist("files"),
            )
        except ApplicationError as exc:
            _add_service_error(form, exc)
        else:
            return _anonymous_confirmation(request, appeal)
    return render(
        request,
        "appeals/new_anonymous.html",
        {"form": form, "action": f"{reverse('appeals:new')}?kind={Kind.CORRUPTION_REPORT}"},
    )


def _anonymous_confirmation(request, appeal: Appeal):
    """Shown in answer to the POST itself: keeping the number in the session (for a redirect)
    would store it beside the account of whoever filed it."""
    return render(request, "appeals/anonymous_filed.html", {"number": appeal.number})


# --- The cabinet's list ---------------------------------------------------------------------


@login_required
def my_appeals(request):
    page = Paginator(selectors.appeals_of_author(request.user), MY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "appeals/mine.html",
        {
            "page": page,
            "invitations": selectors.invitations_of(request.user),
            "missing": profile_missing_fields(request.user),
        },
    )


# --- One appeal -----------------------------------------------------------------------------


@login_required
def appeal_detail(request, pk: int):
    appeal = _appeal_or_404(request, pk)
    own = request.user.has_perm("appeals.respond_as_author", appeal) or request.user.has_perm(
        "appeals.sign_appeal", appeal
    )
    if not own and request.user.has_perm("appeals.view_appeal_internals", appeal):
        return redirect("appeals:office_detail", pk=appeal.pk)
    return _render_detail(request, appeal)


def _render_detail(request, appeal: Appeal, *, rate_form=None, dispute_form=None, status=200):
    user = request.user
    answers = list(
        appeal.answers.select_related("rating")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    latest = answers[-1] if answers else None
    is_author = user.has_perm("appeals.respond_as_author", appeal)
    signer = appeal.signers.filter(user=user).first()
    answered = appeal.state in (State.ANSWERED, State.CLOSED)
    dispute_open = bool(
        appeal.answered_at
        and timezone.now() <= appeal.answered_at + timedelta(days=settings.APPEAL_DISPUTE_DAYS)
    )
    context = {
        "appeal": appeal,
        "files": [a for a in appeal.attachments.all() if a.answer_id is None],
        "answers": answers,
        "latest": latest,
        "events": selectors.timeline(appeal, internals=False),
        "is_author": is_author,
        "signer": signer,
        "confirmed_signers": appeal.signers.filter(confirmed_at__isnull=False).count()
        if appeal.is_collective
        else 0,
        "can_rate": is_author and answered and latest is not None and not hasattr(latest, "rating"),
        "can_close": is_author and appeal.state == State.ANSWERED,
        "can_dispute": is_author and answered and dispute_open,
        "can_complain": is_author and latest is not None and appeal.kind != Kind.CORRUPTION_REPORT,
        "can_sign": signer is not None
        and signer.confirmed_at is None
        and appeal.state in OPEN_STATES,
        "rate_form": rate_form or RatingForm(),
        "dispute_form": dispute_form or DisputeForm(),
        "complaint_url": f"{reverse('appeals:new')}?"
        + urlencode({"kind": Kind.COMPLAINT, "about": appeal.pk}),
        "dispute_days": settings.APPEAL_DISPUTE_DAYS,
    }
    return render(request, "appeals/detail.html", context, status=status)


def _act(request, appeal: Appeal, action, success: str):
    """Run a service for a form-less action; refusals become a message on the same page."""
    try:
        action()
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(appeal)


@login_required
@require_POST
def appeal_rate(request, pk: int):
    appeal = _appeal_or_404(request, pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_rate(appeal_id=appeal.pk, actor=request.user, **form.cleaned_data)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except ApplicationError as exc:
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            else:
                messages.error(request, exc.message)
                return redirect(appeal)
        else:
            messages.success(request, _("Thank you: your rating is saved."))
            return redirect(appeal)
    return _render_detail(request, appeal, rate_form=form)


@login_required
@require_POST
def appeal_close(request, pk: int):
    appeal = _appeal_or_404(request, pk)
    return _act(
        request,
        appeal,
        lambda: services.appeal_close(appeal_id=appeal.pk, actor=request.user),
        _("The appeal is closed. Thank you."),
    )


@login_required
@require_POST
def appeal_dispute(request, pk: int):
    appeal = _appeal_or_404(request, pk)
    form = DisputeForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_reopen(
                appeal_id=appeal.pk, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except ApplicationError as exc:
            if exc.field == "reason":
                form.add_error("reason", exc.message)
            else:
                messages.error(request, exc.message)
                return redirect(appeal)
        else:
            messages.success(request, _("The appeal is reopened: it will be considered again."))
            return redirect(appeal)
    return _render_detail(request, appeal, dispute_form=form)


@login_required
@require_POST
def appeal_sign(request, pk: int):
    appeal = _appeal_or_404(request, pk)
    return _act(
        request,
        appeal,
        lambda: services.signer_confirm(appeal_id=appeal.pk, user=request.user),
        _("You have signed the appeal. Thank you."),
    )


@login_required
def attachment(request, pk: int, attachment_pk: int):
    """A file of an appeal, to those who may see the appeal; always as a download, so that a
    file is never rendered in the site's origin."""
    appeal = _appeal_or_404(request, pk)
    found = appeal.attachments.filter(pk=attachment_pk).first()
    if found is None or not default_storage.exists(found.file.name):
        raise Http404(_("No such file."))
    response = FileResponse(
        default_storage.open(found.file.name, "rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
