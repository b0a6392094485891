"""Reading surveys: the opinion centre, the archive, a survey to answer, its results (from the
counters only, never the responses), an addressee's quality score by month, and offers."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from hromada.accounts.models import User
from hromada.directory.models import Membership
from hromada.surveys.models import Category, Option, QualityScore, Question, Survey

QUALITY_MONTHS = 12


def open_surveys() -> QuerySet[Survey]:
    now = timezone.now()
    return (
        Survey.objects.filter(state=Survey.State.PUBLISHED)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .select_related("category", "addressee")
    )


def opinion_centre(category: Category | None = None) -> dict:
    """The open surveys of the centre, grouped by category, and the forms."""
    surveys = open_surveys().filter(category__isnull=False).order_by("category__order", "-pk")
    if category is not None:
        surveys = surveys.filter(category=category)
    grouped: dict[Category, list[Survey]] = {}
    for survey in surveys:
        grouped.setdefault(survey.category, []).append(survey)
    return {
        "groups": list(grouped.items()),
        "forms": list(open_surveys().exclude(builtin="").order_by("builtin")),
        "categories": list(Category.objects.all()),
    }


def archive(*, category: Category | None = None) -> QuerySet[Survey]:
    rows = Survey.objects.filter(
        state__in=(Survey.State.CLOSED, Survey.State.ARCHIVED)
    ).select_related("category", "addressee", "replaced_by")
    if category is not None:
        rows = rows.filter(category=category)
    return rows.order_by("-archived_at", "-published_at", "-pk")


def survey_by_slug(user: User, slug: str) -> Survey | None:
    survey = (
        Survey.objects.select_related("category", "addressee", "queue", "replaces")
        .filter(slug=slug)
        .first()
    )
    if survey is None or not user.has_perm("surveys.view_survey", survey):
        return None
    return survey


def survey_form(survey: Survey) -> list[dict]:
    """The questions in their sections, in order (four queries)."""
    questions = list(
        survey.questions.select_related("section", "show_if_question").prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("order", "pk")),
            Prefetch("show_if_options", queryset=Option.objects.order_by("order", "pk")),
        )
    )
    sections: list[dict] = []
    for question in sorted(
        questions, key=lambda q: (q.section.order, q.section_id) if q.section else (-1, 0)
    ):
        if not sections or sections[-1]["section"] != question.section:
            sections.append({"section": question.section, "questions": []})
        sections[-1]["questions"].append(question)
    for section in survey.sections.all():
        if not any(s["section"] == section for s in sections):
            sections.append({"section": section, "questions": []})
    return sections


@dataclass
class Share:
    label: str
    count: int
    percent: float


@dataclass
class QuestionResult:
    question: Question
    answered: int
    shares: list[Share]
    average: float | None = None
    nps: int | None = None


def _percent(part: int, whole: int) -> float:
    return round(part * 100 / whole, 1) if whole else 0.0


def survey_results(survey: Survey) -> list[QuestionResult]:
    """Counts and percentages per option (of those who answered the question), the average
    of stars and scales, and the NPS of a 0–10 scale: three queries whatever the responses.
    A conditional question's shares are of those it was asked who answered it."""
    results = []
    questions = survey.questions.select_related("show_if_question").prefetch_related(
        Prefetch("options", queryset=Option.objects.order_by("order", "pk")),
        Prefetch("show_if_options", queryset=Option.objects.order_by("order", "pk")),
    )
    for question in questions:
        options = list(question.options.all())
        answered = question.answered_count
        shares = [Share(o.label, o.count, _percent(o.count, answered)) for o in options]
        result = QuestionResult(question=question, answered=answered, shares=shares)
        if question.allow_other:
            shares.append(Share("", question.other_count, _percent(question.other_count, answered)))
        if question.is_number:
            votes = sum(o.count for o in options)
            if votes:
                result.average = round(sum(o.value * o.count for o in options) / votes, 2)
            if question.kind == Question.Kind.SCALE and votes:
                promoters = sum(o.count for o in options if o.value >= 9)
                detractors = sum(o.count for o in options if o.value <= 6)
                result.nps = round((promoters - detractors) * 100 / votes)
        results.append(result)
    return results


def quality_history(addressee_id: int, *, months: int = QUALITY_MONTHS) -> list[QualityScore]:
    today = timezone.localdate()
    first = date(today.year, today.month, 1)
    year, month = first.year, first.month - (months - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return list(
        QualityScore.objects.filter(addressee_id=addressee_id, month__gte=date(year, month, 1))
    )


def quality_summary(history: list[QualityScore]) -> tuple[int, float | None]:
    ratings = sum(row.ratings for row in history)
    stars = sum(row.stars for row in history)
    return ratings, (round(stars / ratings, 2) if ratings else None)


def addressee_surveys(addressee_id: int) -> list[Survey]:
    return list(
        open_surveys().filter(addressee_id=addressee_id, show_on_addressee_page=True).order_by("pk")
    )


def managed_surveys(user: User) -> QuerySet[Survey]:
    from hromada.accounts.rules import is_administrator

    rows = Survey.objects.select_related("addressee", "category").order_by("-pk")
    if is_administrator(user):
        return rows
    addressees = Membership.objects.filter(user=user).values("addressee_id")
    return rows.filter(addressee_id__in=addressees)


def moderated_addressees(user: User):
    from hromada.accounts.rules import is_administrator
    from hromada.directory.models import Addressee

    if is_administrator(user):
        return Addressee.objects.all()
    return Addressee.objects.filter(memberships__user=user)


def offers_for_ticket(user: User, booking) -> list[Survey]:
    from hromada.surveys.responses import offered_after_ticket

    if not user.is_authenticated or booking.citizen_id != user.pk or booking.state != "served":
        return []
    candidates = (
        open_surveys()
        .filter(offer_after_ticket=True)
        .filter(
            Q(queue_id=booking.queue_id)
            | Q(queue__isnull=True, addressee_id=booking.queue.addressee_id)
            | Q(queue__isnull=True, addressee__isnull=True)
        )
    )
    answered = set(
        user.survey_responses.filter(subject=f"ticket:{booking.pk}").values_list(
            "survey_id", flat=True
        )
    )
    return [s for s in candidates if offered_after_ticket(s, booking) and s.pk not in answered]


def offers_for_appeal(user: User, appeal) -> list[Survey]:
    from hromada.surveys.responses import ANSWERED_APPEAL_STATES

    if (
        not user.is_authenticated
        or appeal.author_id != user.pk
        or appeal.state not in ANSWERED_APPEAL_STATES
    ):
        return []
    candidates = (
        open_surveys()
        .filter(offer_after_answer=True)
        .filter(Q(addressee_id=appeal.addressee_id) | Q(addressee__isnull=True))
    )
    answered = set(
        user.survey_responses.filter(subject=f"appeal:{appeal.pk}").values_list(
            "survey_id", flat=True
        )
    )
    return [s for s in candidates if s.pk not in answered]
