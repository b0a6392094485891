"""The builder for administrators and addressee moderators: surveys, sections, questions,
preview, publishing, replacing, archiving, and the exports of responses."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hromada.core.errors import ApplicationError
from hromada.surveys import exports, selectors, services
from hromada.surveys.forms import QuestionForm, SectionForm, SurveyForm
from hromada.surveys.models import Survey


def _managed_or_404(request, slug: str) -> Survey:
    survey = (
        Survey.objects.select_related("addressee", "category", "queue").filter(slug=slug).first()
    )
    if survey is None or not request.user.has_perm("surveys.manage_survey", survey):
        raise Http404(_("No such survey."))
    return survey


def _form_error(form, exc: ApplicationError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@login_required
def office_list(request):
    if not request.user.has_perm("surveys.create_survey"):
        raise DjangoPermissionDenied
    surveys = selectors.managed_surveys(request.user)[:300]
    return render(request, "surveys/office/list.html", {"surveys": surveys})


@login_required
@require_http_methods(["GET", "POST"])
def office_new(request):
    if not request.user.has_perm("surveys.create_survey"):
        raise DjangoPermissionDenied
    addressees = selectors.moderated_addressees(request.user)
    form = SurveyForm(request.POST or None, addressees=addressees)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(request.user, **form.service_fields())
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The survey is created. Now add its questions."))
            return redirect("surveys:office_edit", slug=survey.slug)
    return render(request, "surveys/office/survey_form.html", {"form": form, "survey": None})


@login_required
@require_http_methods(["GET", "POST"])
def office_edit(request, slug: str):
    survey = _managed_or_404(request, slug)
    addressees = selectors.moderated_addressees(request.user)
    form = SurveyForm(request.POST or None, instance=survey, addressees=addressees)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(request.user, survey_id=survey.pk, **form.service_fields())
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("surveys:office_edit", slug=survey.slug)
    survey.refresh_from_db()
    return render(
        request,
        "surveys/office/edit.html",
        {
            "survey": survey,
            "form": form,
            "sections": selectors.survey_form(survey),
            "question_form": QuestionForm(survey=survey),
            "section_form": SectionForm(),
            "locked": bool(survey.response_count) or survey.state in ("closed", "archived"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def office_question(request, slug: str, question_pk: int | None = None):
    survey = _managed_or_404(request, slug)
    question = None
    initial = None
    if question_pk is not None:
        question = survey.questions.filter(pk=question_pk).first()
        if question is None:
            raise Http404(_("No such question."))
        initial = {
            "kind": question.kind,
            "text": question.text,
            "help_text": question.help_text,
            "options": "\n".join(o.label for o in question.options.all() if o.value is None),
            "is_required": question.is_required,
            "allow_other": question.allow_other,
            "counts_for_quality": question.counts_for_quality,
            "section": question.section_id,
            "order": question.order,
            "show_if_options": [o.pk for o in question.show_if_options.all()],
        }
    form = QuestionForm(request.POST or None, initial=initial, survey=survey, question=question)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_save(
                request.user,
                survey_id=survey.pk,
                question_id=question.pk if question else None,
                **form.service_fields(),
            )
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The question is saved."))
            return redirect("surveys:office_edit", slug=survey.slug)
    return render(
        request,
        "surveys/office/question_form.html",
        {"survey": survey, "form": form, "question": question},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def office_question_delete(request, slug: str, question_pk: int):
    survey = _managed_or_404(request, slug)
    try:
        services.question_delete(request.user, survey_id=survey.pk, question_id=question_pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The question is deleted."))
    return redirect("surveys:office_edit", slug=survey.slug)


@login_required
@require_POST
def office_section(request, slug: str):
    survey = _managed_or_404(request, slug)
    form = SectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the section a title."))
        return redirect("surveys:office_edit", slug=survey.slug)
    try:
        services.section_save(request.user, survey_id=survey.pk, **form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The section is added."))
    return redirect("surveys:office_edit", slug=survey.slug)


@login_required
@require_POST
def office_section_delete(request, slug: str, section_pk: int):
    survey = _managed_or_404(request, slug)
    try:
        services.section_delete(request.user, survey_id=survey.pk, section_id=section_pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The section is deleted; its questions stay."))
    return redirect("surveys:office_edit", slug=survey.slug)


@login_required
def office_preview(request, slug: str):
    survey = _managed_or_404(request, slug)
    return render(
        request,
        "surveys/survey.html",
        {"survey": survey, "sections": selectors.survey_form(survey), "preview": True},
    )


ACTIONS = {
    "publish": (services.survey_publish, _("The survey is open for answers.")),
    "close": (services.survey_close, _("The survey is closed.")),
    "archive": (services.survey_archive, _("The survey is in the archive.")),
}


@login_required
@require_POST
def office_action(request, slug: str, action: str):
    survey = _managed_or_404(request, slug)
    if action == "replace":
        try:
            new = services.survey_replace(request.user, survey_id=survey.pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("surveys:office_edit", slug=survey.slug)
        messages.success(
            request,
            _(
                "A new version is made as a draft. When you publish it, the old one moves to the "
                "archive with all its results."
            ),
        )
        return redirect("surveys:office_edit", slug=new.slug)
    if action not in ACTIONS:
        raise Http404
    service, done = ACTIONS[action]
    try:
        service(request.user, survey_id=survey.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, str(done))
    return redirect("surveys:office_edit", slug=survey.slug)


@login_required
def office_export(request, slug: str, fmt: str):
    survey = _managed_or_404(request, slug)
    if not request.user.has_perm("surveys.export_responses", survey):
        raise Http404
    return exports.responses_xlsx(survey) if fmt == "xlsx" else exports.responses_csv(survey)
