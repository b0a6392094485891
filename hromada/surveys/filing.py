"""The complaint and proposal forms register appeals: a response to either is handed to the
appeals app's own intake (``appeal_submit``) in the response's transaction, so the two are
stored together or not at all, and each points to the other.

Law 393/96-ВР art. 5 and 8: an appeal carries the author's name and address, and an anonymous
one is not considered, so these forms take answers from signed-in residents only.
"""

from django.utils.translation import gettext as _

from hromada.accounts.models import User
from hromada.appeals.models import Appeal, Kind
from hromada.appeals.services import SUBJECT_MAX, appeal_submit
from hromada.core.errors import PermissionDenied
from hromada.directory.models import Addressee
from hromada.surveys.models import Answer, Question, Response, Survey
from hromada.surveys.services import FORMS_FILING_APPEALS

KINDS = {Survey.Form.COMPLAINT: Kind.COMPLAINT, Survey.Form.PROPOSAL: Kind.PROPOSAL}


def files_appeal(survey: Survey) -> bool:
    return survey.builtin in FORMS_FILING_APPEALS


def refuse_anonymous(survey: Survey) -> None:
    raise PermissionDenied(
        _(
            "A complaint or a proposal is registered as an appeal, and the law on citizens' "
            "appeals does not consider anonymous ones: sign in to send it."
        ),
        code="not_authenticated",
    )


def _value(answer: Answer) -> str:
    if answer.option_id:
        return answer.option.label
    if answer.date:
        return answer.date.strftime("%d.%m.%Y")
    return answer.text


def _texts(survey: Survey, answers: list[Answer]) -> tuple[str, str]:
    """The subject (the first short answer, else the survey's title) and the text: every
    question with its answers, in the form's order."""
    by_question: dict[int, list[str]] = {}
    for answer in answers:
        by_question.setdefault(answer.question_id, []).append(_value(answer))
    questions = [q for q in survey.questions.all() if q.pk in by_question]
    subject = survey.title
    for question in questions:
        if question.kind == Question.Kind.SHORT_TEXT:
            subject = f"{survey.title}: {by_question[question.pk][0]}"
            break
    text = "\n\n".join(f"{q.text}\n{'; '.join(by_question[q.pk])}" for q in questions)
    return subject[:SUBJECT_MAX], text


def appeal_from_response(actor: User, *, survey: Survey, response: Response) -> Appeal:
    """Register the response as an appeal to the addressee it concerns (or routed, when it
    names none) and link the two. Called inside response_submit's transaction."""
    subject, text = _texts(survey, list(response.answers.select_related("option")))
    addressee = Addressee.objects.filter(pk=response.addressee_id).first()
    appeal = appeal_submit(
        actor=actor,
        kind=KINDS[survey.builtin],
        subject=subject,
        text=text,
        addressee=addressee,
        origin={"survey": survey.pk, "response": response.pk},
        origin_note=_("Sent through the form «%(form)s» (response no. %(response)d).")
        % {"form": survey.title, "response": response.pk},
    )
    response.filed_appeal = appeal
    response.save(update_fields=["filed_appeal"])
    return appeal
