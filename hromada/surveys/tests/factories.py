"""Surveys for tests: built through the services, as the builder does."""

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory
from hromada.directory.models import Membership
from hromada.directory.tests.factories import AddresseeFactory
from hromada.surveys import services
from hromada.surveys.models import Question, Survey


def administrator():
    return UserFactory(roles=[Role.ADMINISTRATOR])


def moderator_of(addressee):
    user = UserFactory(roles=[Role.MODERATOR])
    Membership.objects.create(addressee=addressee, user=user, is_responsible=True)
    return user


def make_survey(*, actor=None, addressee=None, publish=True, **fields) -> Survey:
    """A survey of an addressee with one question of every kind."""
    addressee = addressee or AddresseeFactory()
    actor = actor or administrator()
    fields.setdefault("title", "Якість обслуговування у ЦНАП")
    survey = services.survey_create(actor, addressee_id=addressee.pk, **fields)
    add = lambda kind, text, **kw: services.question_save(  # noqa: E731
        actor, survey_id=survey.pk, kind=kind, text=text, **kw
    )
    add(Question.Kind.RATING, "Оцініть обслуговування", is_required=True, counts_for_quality=True)
    add(Question.Kind.SINGLE, "Скільки чекали?", options=["До 15 хв", "15–30 хв", "Понад 30 хв"])
    add(
        Question.Kind.MULTIPLE,
        "Що сподобалося?",
        options=["Ввічливість", "Швидкість", "Чистота"],
        allow_other=True,
    )
    add(Question.Kind.SCALE, "Чи порадите?")
    add(Question.Kind.SHORT_TEXT, "Ваш район")
    add(Question.Kind.LONG_TEXT, "Що покращити?")
    add(Question.Kind.DATE, "Дата візиту")
    if publish:
        services.survey_publish(actor, survey_id=survey.pk)
    survey.refresh_from_db()
    return survey


def q(survey, kind) -> Question:
    return survey.questions.get(kind=kind)


def good_answers(survey, *, stars=5) -> dict:
    single, multiple = q(survey, "single"), q(survey, "multiple")
    return {
        q(survey, "rating").key: stars,
        single.key: single.options.first().pk,
        multiple.key: [o.pk for o in multiple.options.all()[:2]],
        f"{multiple.key}_other": "Зручний графік",
        q(survey, "scale").key: 9,
        q(survey, "short_text").key: "Центральний",
        q(survey, "long_text").key: "Більше вікон",
        q(survey, "date").key: "2026-03-02",
    }
