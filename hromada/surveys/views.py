"""The resident's side: the opinion centre, the archive, answering, and the results."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hromada.accounts.selectors import profile_missing_fields
from hromada.core.errors import ApplicationError
from hromada.directory.models import Addressee
from hromada.surveys import charts, filing, limits, selectors
from hromada.surveys.forms import answers_from_post
from hromada.surveys.models import Category, Question
from hromada.surveys.responses import response_submit


def _survey_or_404(request, slug: str):
    survey = selectors.survey_by_slug(request.user, slug)
    if survey is None:
        raise Http404(_("No such survey."))
    return survey


def centre(request):
    category = None
    if slug := request.GET.get("category"):
        category = Category.objects.filter(slug=slug).first()
    context = selectors.opinion_centre(category)
    return render(request, "surveys/centre.html", {**context, "category": category})


def archive(request):
    category = None
    if slug := request.GET.get("category"):
        category = Category.objects.filter(slug=slug).first()
    return render(
        request,
        "surveys/archive.html",
        {
            "surveys": selectors.archive(category=category)[:200],
            "categories": Category.objects.all(),
            "category": category,
        },
    )


def _answer_context(request, survey, *, posted=None, error=None) -> dict:
    sections = selectors.survey_form(survey)
    context = {
        "survey": survey,
        "sections": sections,
        "posted": posted,
        "error": error,
        "ticket": request.GET.get("ticket") or request.POST.get("ticket", ""),
        "appeal": request.GET.get("appeal") or request.POST.get("appeal", ""),
        "preview": False,
        "files_appeal": filing.files_appeal(survey),
    }
    if context["files_appeal"] and request.user.is_authenticated:
        context["missing"] = profile_missing_fields(request.user)
    if not request.user.is_authenticated and survey.allow_anonymous and not context["files_appeal"]:
        context["challenge"], context["challenge_token"] = limits.challenge_new()
    return context


@require_http_methods(["GET", "POST"])
def survey(request, slug: str):
    survey = _survey_or_404(request, slug)
    if request.method == "GET":
        return render(request, "surveys/survey.html", _answer_context(request, survey))
    sections = selectors.survey_form(survey)
    answers = answers_from_post(request.POST, sections)
    anonymous = not request.user.is_authenticated
    try:
        # The limit first: every try at the check question counts against it.
        limits.refuse_flood(request, anonymous=anonymous)
        if anonymous and survey.allow_anonymous and not filing.files_appeal(survey):
            limits.challenge_check(
                request.POST.get("challenge_token", ""), request.POST.get("challenge", "")
            )
        response = response_submit(
            request.user,
            survey_id=survey.pk,
            answers=answers,
            ticket=request.POST.get("ticket", ""),
            appeal=request.POST.get("appeal", ""),
        )
    except ApplicationError as exc:
        posted = request.POST
        if exc.code == "hidden_question":
            # A choice cannot be unticked without a script: the form comes back without it.
            posted = posted.copy()
            for key in (exc.field, f"{exc.field}_other"):
                posted.pop(key, None)
        context = _answer_context(request, survey, posted=posted, error=exc)
        status = 200 if exc.code in ("already_answered",) else exc.status
        return render(request, "surveys/survey.html", context, status=status)
    if response.filed_appeal_id:
        messages.success(
            request,
            _("Thank you! It is registered as appeal no. %(number)s; the answer will come here.")
            % {"number": response.filed_appeal.number},
        )
        return redirect("appeals:detail", pk=response.filed_appeal_id)
    messages.success(request, _("Thank you! Your answer is saved."))
    if request.user.has_perm("surveys.view_results", survey):
        return redirect(survey.get_results_url())
    return redirect("surveys:centre")


def _charted(results):
    rows = []
    for result in results:
        question = result.question
        slices = [
            charts.Slice(share.label or _("Other"), share.count, share.percent)
            for share in result.shares
        ]
        chart = ""
        if slices:
            title = _("%(question)s: %(shares)s") % {
                "question": question.text,
                "shares": "; ".join(f"{s.label} — {number_format(s.percent, 1)}%" for s in slices),
            }
            if question.kind == Question.Kind.SINGLE:
                chart = charts.pie_chart(slices, title=title)
            else:
                chart = charts.bar_chart(slices, title=title)
        rows.append({"result": result, "slices": slices, "chart": chart})
    return rows


def results(request, slug: str):
    survey = _survey_or_404(request, slug)
    if not request.user.has_perm("surveys.view_results", survey):
        return render(request, "surveys/results_hidden.html", {"survey": survey}, status=403)
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "rows": _charted(selectors.survey_results(survey)),
            "may_export": request.user.has_perm("surveys.export_responses", survey),
        },
    )


def quality(request, slug: str):
    """An addressee's quality score month by month, from the counters."""
    addressee = get_object_or_404(Addressee, slug=slug, is_published=True)
    history = selectors.quality_history(addressee.pk)
    ratings, average = selectors.quality_summary(history)
    slices = [
        charts.Slice(
            row.month.strftime("%m.%Y"),
            row.ratings,
            round(row.average * 20, 1) if row.ratings else 0,
            text=f"{row.average:.2f} ★ ({row.ratings})" if row.ratings else "—",
        )
        for row in history
    ]
    chart = ""
    if slices:
        title = _("Average stars by month: %s") % "; ".join(
            f"{row.month:%m.%Y} — {row.average:.2f}" for row in history if row.ratings
        )
        chart = charts.bar_chart(slices, title=title)
    return render(
        request,
        "surveys/quality.html",
        {
            "addressee": addressee,
            "history": history,
            "ratings": ratings,
            "average": average,
            "chart": chart,
        },
    )
