"""Writing surveys: the builder (surveys, sections, questions, options), publishing, closing,
replacing and archiving, and storing a response together with every count it changes.

A response first increments its survey's counter: that UPDATE takes the survey's row lock, so
responses to one survey are counted one after another and the counter rows below are always
updated in the same order (no deadlocks, no lost increments). A second response of the same
person is stopped by the unique constraint, whatever races.
"""

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hromada.accounts.models import User
from hromada.core.audit import audit_event_record
from hromada.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hromada.surveys.models import Category, Option, Question, Section, Survey

# Their responses are registered as appeals (surveys/filing.py), so never anonymous.
FORMS_FILING_APPEALS = (Survey.Form.COMPLAINT, Survey.Form.PROPOSAL)
TEXT_MAX = {Question.Kind.SHORT_TEXT: 300, Question.Kind.LONG_TEXT: 5_000}
OTHER_MAX = 300
OPTIONS_MAX = 50
OPTION_MAX = 300
SURVEY_FIELDS = {
    "title",
    "description",
    "category_id",
    "addressee_id",
    "show_on_addressee_page",
    "queue_id",
    "offer_after_ticket",
    "offer_after_answer",
    "results_visibility",
    "allow_anonymous",
    "opens_at",
    "closes_at",
    "report_period",
    "report_emails",
}


def _survey_for(actor: User, survey_id: int, *, lock: bool = False) -> Survey:
    rows = Survey.objects.select_related("addressee")
    if lock:
        rows = rows.select_for_update(of=("self",))
    survey = rows.filter(pk=survey_id).first()
    if survey is None or not actor.has_perm("surveys.view_survey", survey):
        raise NotFound(_("No such survey."))
    if not actor.has_perm("surveys.manage_survey", survey):
        raise PermissionDenied(_("You may not change this survey."))
    return survey


def _refuse_answered(survey: Survey) -> None:
    if survey.response_count or survey.state in (Survey.State.CLOSED, Survey.State.ARCHIVED):
        raise Conflict(
            _(
                "The survey already has answers or is closed, so its questions cannot change: "
                "that would mix up its results. Make a new version of it instead."
            ),
            code="survey_locked",
        )


# The site's own pages under /surveys/.
RESERVED_SLUGS = {"archive", "addressees"}


# The official transliteration of Ukrainian (Cabinet of Ministers resolution 55 of 2010), so
# addresses read "opytuvannia-zhyteliv" rather than a random code.
TRANSLIT = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
        "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
        "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
        "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu",
        "я": "ia", "'": "", "’": "", "ʼ": "",
    }
)  # fmt: skip


def _free_slug(title: str) -> str:
    base = slugify(title.lower().translate(TRANSLIT))[:60].strip("-") or "survey"
    slug = base
    while slug in RESERVED_SLUGS or Survey.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(2)}"
    return slug


def check_survey_fields(actor: User, fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - SURVEY_FIELDS
    if unknown:
        raise ValidationFailed(_("Unknown survey fields: %s.") % ", ".join(sorted(unknown)))
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
        if not fields["title"]:
            raise ValidationFailed(_("Give the survey a title."), field="title")
    opens, closes = fields.get("opens_at"), fields.get("closes_at")
    if opens and closes and closes <= opens:
        raise ValidationFailed(
            _("The survey must close after it opens."),
            code="closes_before_opens",
            field="closes_at",
        )
    if fields.get("category_id") and not Category.objects.filter(pk=fields["category_id"]).exists():
        raise ValidationFailed(_("No such category."), field="category")
    if "addressee_id" in fields:
        probe = Survey(addressee_id=fields["addressee_id"])
        if not actor.has_perm("surveys.manage_survey", probe):
            raise PermissionDenied(
                _("You may build surveys only for the addressees you moderate."),
                code="not_your_addressee",
                field="addressee",
            )
    return fields


def refuse_anonymous_appeals(survey: Survey) -> None:
    """The complaint and proposal forms (and a new version of one, which takes their key when
    published) register appeals: Law 393/96-ВР art. 8 leaves anonymous appeals unconsidered."""
    builtin = survey.builtin or (survey.replaces.builtin if survey.replaces_id else "")
    if builtin in FORMS_FILING_APPEALS:
        raise ValidationFailed(
            _(
                "This form registers appeals, and the law on citizens' appeals does not "
                "consider anonymous ones: it cannot take answers without signing in."
            ),
            code="anonymous_appeal",
            field="allow_anonymous",
        )


@transaction.atomic
def survey_create(actor: User, *, title: str, slug: str = "", **fields: Any) -> Survey:
    if not actor.has_perm("surveys.create_survey"):
        raise PermissionDenied(_("You may not build surveys."))
    fields = check_survey_fields(actor, {"title": title, **fields})
    if "addressee_id" not in fields and not actor.has_perm("surveys.manage_survey", Survey()):
        raise PermissionDenied(
            _("Choose one of the addressees you moderate."), code="not_your_addressee"
        )
    slug = slugify(slug) if slug else _free_slug(fields["title"])
    if slug in RESERVED_SLUGS or Survey.objects.filter(slug=slug).exists():
        raise ValidationFailed(_("This code is taken; choose another."), field="slug")
    survey = Survey.objects.create(slug=slug, created_by=actor, **fields)
    audit_event_record(actor=actor, action="surveys.survey_created", target=survey)
    return survey


@transaction.atomic
def survey_update(actor: User, *, survey_id: int, **fields: Any) -> Survey:
    survey = _survey_for(actor, survey_id, lock=True)
    fields = check_survey_fields(actor, fields)
    if fields.get("allow_anonymous"):
        refuse_anonymous_appeals(survey)
    for name, value in fields.items():
        setattr(survey, name, value)
    survey.save()
    audit_event_record(
        actor=actor, action="surveys.survey_changed", target=survey, fields=sorted(fields)
    )
    return survey


@transaction.atomic
def section_save(
    actor: User,
    *,
    survey_id: int,
    title: str,
    description: str = "",
    order: int = 0,
    section_id: int | None = None,
) -> Section:
    survey = _survey_for(actor, survey_id, lock=True)
    _refuse_answered(survey)
    if not title.strip():
        raise ValidationFailed(_("Give the section a title."), field="title")
    if section_id is None:
        section = Section(survey=survey)
    else:
        section = survey.sections.filter(pk=section_id).first()
        if section is None:
            raise NotFound(_("No such section."))
    section.title, section.description, section.order = title.strip(), description, order
    section.save()
    _check_condition_order(survey)
    audit_event_record(actor=actor, action="surveys.section_saved", target=survey, section=title)
    return section


@transaction.atomic
def section_delete(actor: User, *, survey_id: int, section_id: int) -> None:
    """Remove a section; its questions stay, outside any section."""
    survey = _survey_for(actor, survey_id, lock=True)
    _refuse_answered(survey)
    section = survey.sections.filter(pk=section_id).first()
    if section is None:
        raise NotFound(_("No such section."))
    audit_event_record(
        actor=actor, action="surveys.section_deleted", target=survey, section=section.title
    )
    section.delete()
    _check_condition_order(survey)


def _clean_options(kind: str, options: Sequence[str]) -> list[str]:
    labels = [label.strip() for label in options if label and label.strip()]
    if kind not in Question.CHOICE_KINDS:
        return []
    if len(labels) < 2:
        raise ValidationFailed(
            _("A question with a list needs at least two options, one per line."),
            code="too_few_options",
            field="options",
        )
    if len(labels) > OPTIONS_MAX or any(len(label) > OPTION_MAX for label in labels):
        raise ValidationFailed(
            _("At most %(count)d options of at most %(length)d characters each.")
            % {"count": OPTIONS_MAX, "length": OPTION_MAX},
            field="options",
        )
    if len(set(labels)) != len(labels):
        raise ValidationFailed(_("Two options read the same."), field="options")
    return labels


@transaction.atomic
def question_save(
    actor: User,
    *,
    survey_id: int,
    kind: str,
    text: str,
    options: Sequence[str] = (),
    help_text: str = "",
    is_required: bool = False,
    allow_other: bool = False,
    counts_for_quality: bool = False,
    section_id: int | None = None,
    order: int | None = None,
    question_id: int | None = None,
    show_if_options: Sequence[int] = (),
) -> Question:
    """Add or change a question. ``show_if_options``: ask it only when an earlier question's
    answer is one of these options (all of that one question); empty: always asked."""
    survey = _survey_for(actor, survey_id, lock=True)
    _refuse_answered(survey)
    if kind not in Question.Kind.values:
        raise ValidationFailed(_("Choose the kind of question."), field="kind")
    if not text.strip():
        raise ValidationFailed(_("Write the question."), field="text")
    labels = _clean_options(kind, options)
    if section_id is not None and not survey.sections.filter(pk=section_id).exists():
        raise ValidationFailed(_("No such section in this survey."), field="section")
    if question_id is None:
        question = Question(survey=survey)
        if order is None:
            order = survey.questions.count() + 1
    else:
        question = survey.questions.filter(pk=question_id).first()
        if question is None:
            raise NotFound(_("No such question."))
        if question.dependents.exists() and kind not in Question.CHOICE_KINDS + tuple(
            Question.NUMBER_KINDS
        ):
            raise ValidationFailed(
                _("Other questions are asked after this one's answer: keep it a list or a scale."),
                code="condition_kept",
                field="kind",
            )
        kept = _condition_labels(question)
        question.options.all().delete()
    question.kind, question.text, question.help_text = kind, text.strip(), help_text.strip()
    question.is_required = is_required
    question.allow_other = allow_other and kind in Question.CHOICE_KINDS
    question.counts_for_quality = counts_for_quality and kind == Question.Kind.RATING
    question.section_id = section_id
    if order is not None:
        question.order = order
    question.save()
    numbers = Question.NUMBER_KINDS.get(kind)
    if numbers is not None:
        rows = [Option(question=question, label=str(n), value=n, order=n) for n in numbers]
    else:
        rows = [Option(question=question, label=label, order=i) for i, label in enumerate(labels)]
    Option.objects.bulk_create(rows)
    if question_id is not None:
        _condition_relink(question, kept)
    _set_condition(survey, question, show_if_options)
    _check_condition_order(survey)
    audit_event_record(
        actor=actor, action="surveys.question_saved", target=survey, question=question.text
    )
    return question


def _condition_labels(question: Question) -> dict[int, set[str]]:
    """For each question asked after this one's answer: the labels of the options it needs
    (options are made anew when a question is saved; labels carry the condition over)."""
    return {
        dependent.pk: {o.label for o in dependent.show_if_options.all()}
        for dependent in question.dependents.prefetch_related("show_if_options")
    }


def _condition_relink(question: Question, kept: dict[int, set[str]]) -> None:
    for dependent in Question.objects.filter(pk__in=kept):
        options = [o for o in question.options.all() if o.label in kept[dependent.pk]]
        dependent.show_if_options.set(options)
        if not options:  # its options are gone: the question is asked always
            dependent.show_if_question = None
            dependent.save(update_fields=["show_if_question"])


def _set_condition(survey: Survey, question: Question, option_ids: Sequence[int]) -> None:
    wanted = {int(pk) for pk in option_ids}
    if not wanted:
        question.show_if_question = None
        question.save(update_fields=["show_if_question"])
        question.show_if_options.clear()
        return
    options = list(Option.objects.filter(pk__in=wanted, question__survey=survey))
    parents = {o.question_id for o in options}
    if len(options) != len(wanted) or len(parents) != 1:
        raise ValidationFailed(
            _("The condition's answers must all be options of one question of this survey."),
            code="invalid_condition",
            field="show_if_options",
        )
    parent = Question.objects.select_related("section").get(pk=parents.pop())
    placed = Question.objects.select_related("section").get(pk=question.pk)
    if not (parent.is_choice or parent.is_number) or parent.sort_key >= placed.sort_key:
        raise ValidationFailed(
            _("A question can depend only on the answer to an earlier list, stars or scale."),
            code="invalid_condition",
            field="show_if_options",
        )
    question.show_if_question = parent
    question.save(update_fields=["show_if_question"])
    question.show_if_options.set(options)


def _check_condition_order(survey: Survey) -> None:
    """Every condition still names an earlier question (orders and sections can change)."""
    questions = {q.pk: q for q in survey.questions.select_related("section")}
    for question in questions.values():
        parent = questions.get(question.show_if_question_id)
        if parent is not None and parent.sort_key >= question.sort_key:
            raise ValidationFailed(
                _("«%(question)s» depends on «%(parent)s», so it must come after it.")
                % {"question": question.text, "parent": parent.text},
                code="invalid_condition",
                field="order",
            )


@transaction.atomic
def question_delete(actor: User, *, survey_id: int, question_id: int) -> None:
    survey = _survey_for(actor, survey_id, lock=True)
    _refuse_answered(survey)
    question = survey.questions.filter(pk=question_id).first()
    if question is None:
        raise NotFound(_("No such question."))
    audit_event_record(
        actor=actor, action="surveys.question_deleted", target=survey, question=question.text
    )
    question.delete()


@transaction.atomic
def survey_publish(actor: User, *, survey_id: int, now: datetime | None = None) -> Survey:
    """Open a draft (or reopen a closed survey). A new version of a form takes the old one's
    place: the old one goes to the archive with all its results."""
    survey = _survey_for(actor, survey_id, lock=True)
    if survey.state not in (Survey.State.DRAFT, Survey.State.CLOSED):
        raise Conflict(_("Only a draft or a closed survey can be opened."), code="wrong_state")
    if not survey.questions.exists():
        raise ValidationFailed(_("Add at least one question first."), code="no_questions")
    now = now or timezone.now()
    if survey.replaces_id:
        old = Survey.objects.select_for_update().get(pk=survey.replaces_id)
        if old.state != Survey.State.ARCHIVED:
            _archive(actor, old, now=now, reason="replaced")
        survey.builtin = survey.builtin or old.builtin
    if survey.allow_anonymous:
        refuse_anonymous_appeals(survey)
    survey.state = Survey.State.PUBLISHED
    survey.published_at = survey.published_at or now
    survey.save(update_fields=["state", "published_at", "builtin", "updated_at"])
    audit_event_record(actor=actor, action="surveys.survey_published", target=survey)
    return survey


def _archive(actor: User, survey: Survey, *, now: datetime, reason: str) -> None:
    survey.state = Survey.State.ARCHIVED
    survey.archived_at = now
    survey.save(update_fields=["state", "archived_at", "updated_at"])
    audit_event_record(actor=actor, action="surveys.survey_archived", target=survey, reason=reason)


@transaction.atomic
def survey_close(actor: User, *, survey_id: int) -> Survey:
    survey = _survey_for(actor, survey_id, lock=True)
    if survey.state != Survey.State.PUBLISHED:
        raise Conflict(_("Only an open survey can be closed."), code="wrong_state")
    survey.state = Survey.State.CLOSED
    survey.save(update_fields=["state", "updated_at"])
    audit_event_record(actor=actor, action="surveys.survey_closed", target=survey)
    return survey


@transaction.atomic
def survey_archive(actor: User, *, survey_id: int, now: datetime | None = None) -> Survey:
    survey = _survey_for(actor, survey_id, lock=True)
    if survey.state == Survey.State.ARCHIVED:
        raise Conflict(_("The survey is already in the archive."), code="wrong_state")
    _archive(actor, survey, now=now or timezone.now(), reason="by_hand")
    return survey


@transaction.atomic
def survey_replace(actor: User, *, survey_id: int) -> Survey:
    """A new draft version of a survey, questions copied. The old one keeps answering and
    keeps its results until the new one is published; then it moves to the archive."""
    old = _survey_for(actor, survey_id, lock=True)
    if Survey.objects.filter(replaces=old).exists():
        raise Conflict(_("A new version of this survey already exists."), code="already_replaced")
    new = Survey.objects.get(pk=old.pk)
    new.pk = None
    new.slug = _free_slug(old.title)
    new.state = Survey.State.DRAFT
    new.replaces = old
    new.response_count = 0
    new.published_at = new.archived_at = None
    new.created_by = actor
    # The built-in key passes on publishing; a draft must not clash with the current form.
    new.builtin = ""
    new.save()
    sections = {}
    for section in old.sections.all():
        sections[section.pk] = Section.objects.create(
            survey=new, title=section.title, description=section.description, order=section.order
        )
    copies: dict[int, Question] = {}
    option_copies: dict[int, Option] = {}
    originals = list(old.questions.prefetch_related("options", "show_if_options"))
    for question in originals:
        copy = Question.objects.create(
            survey=new,
            section=sections.get(question.section_id),
            kind=question.kind,
            text=question.text,
            help_text=question.help_text,
            is_required=question.is_required,
            allow_other=question.allow_other,
            counts_for_quality=question.counts_for_quality,
            order=question.order,
        )
        made = Option.objects.bulk_create(
            [
                Option(question=copy, label=o.label, value=o.value, order=o.order)
                for o in question.options.all()
            ]
        )
        copies[question.pk] = copy
        option_copies.update(zip((o.pk for o in question.options.all()), made, strict=True))
    for question in originals:
        if question.show_if_question_id in copies:
            copy = copies[question.pk]
            copy.show_if_question = copies[question.show_if_question_id]
            copy.save(update_fields=["show_if_question"])
            copy.show_if_options.set(option_copies[o.pk] for o in question.show_if_options.all())
    audit_event_record(actor=actor, action="surveys.survey_replaced", target=old, new=new.slug)
    return new
