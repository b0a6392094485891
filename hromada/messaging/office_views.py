"""The back office of mass mailings: templates, mailings, their recipients' statuses."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hromada.core.errors import ApplicationError
from hromada.messaging import mailings as mailing_services
from hromada.messaging import selectors
from hromada.messaging.forms import MailingForm, MailingTemplateForm
from hromada.messaging.models import Mailing, MailingTemplate, Status

PAGE_SIZE = 50


def _staff(request) -> None:
    if not request.user.has_perm("messaging.send_mailings"):
        raise PermissionDenied


@login_required
def mailings(request):
    _staff(request)
    page = Paginator(selectors.mailings(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "messaging/office/mailings.html",
        {"page": page, "templates": MailingTemplate.objects.all()},
    )


@login_required
def template_edit(request, pk: int | None = None):
    _staff(request)
    template = get_object_or_404(MailingTemplate, pk=pk) if pk else None
    form = MailingTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        try:
            mailing_services.mailing_template_save(
                actor=request.user,
                template_id=pk,
                name=form.cleaned_data["name"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The template is saved."))
            return redirect("messaging:mailings")
    return render(
        request,
        "messaging/office/template.html",
        {"form": form, "template": template, "known": mailing_services.KNOWN},
    )


@login_required
def mailing_new(request):
    _staff(request)
    form = MailingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            emails = None
            if data["audience"] == Mailing.Audience.LIST:
                if not data["file"]:
                    raise mailing_services.ValidationFailed(
                        _("Upload the list of addresses."), field="file"
                    )
                emails = mailing_services.emails_from_csv(data["file"].read())
            mailing = mailing_services.mailing_create(
                actor=request.user,
                title=data["title"],
                template_id=data["template"].pk,
                channels=data["channels"],
                audience=data["audience"],
                scheduled_at=data["scheduled_at"],
                district_id=data["district"].pk if data["district"] else None,
                role=data["role"],
                kind=data["kind"],
                emails=emails,
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The mailing is scheduled."))
            return redirect("messaging:mailing", pk=mailing.pk)
    return render(request, "messaging/office/mailing_new.html", {"form": form})


@login_required
def mailing_detail(request, pk: int):
    _staff(request)
    mailing = get_object_or_404(selectors.mailings(), pk=pk)
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    page = Paginator(selectors.mailing_deliveries(mailing, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "messaging/office/mailing.html",
        {
            "mailing": mailing,
            "counts": selectors.mailing_counts(mailing),
            "page": page,
            "status": status,
            "status_query": f"status={status}&" if status else "",
            "statuses": Status.choices,
        },
    )


@login_required
@require_POST
def mailing_retry(request, pk: int):
    _staff(request)
    try:
        retried = mailing_services.mailing_retry_failed(actor=request.user, mailing_id=pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Queued again: %d.") % retried)
    return redirect("messaging:mailing", pk=pk)


@login_required
@require_POST
def mailing_cancel(request, pk: int):
    _staff(request)
    try:
        mailing_services.mailing_cancel(actor=request.user, mailing_id=pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The mailing is cancelled."))
    return redirect("messaging:mailing", pk=pk)
