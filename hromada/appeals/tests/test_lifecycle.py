from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory
from hromada.appeals import services
from hromada.appeals.models import Appeal, Event, Kind, Rating, State
from hromada.appeals.tests.factories import owed, staff_of, submit
from hromada.core.deadlines import KYIV
from hromada.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hromada.directory.tests.factories import AddresseeFactory

pytestmark = pytest.mark.django_db
RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=KYIV)


def snapshot(appeal):
    appeal = Appeal.objects.get(pk=appeal.pk)
    return (
        appeal.state,
        appeal.due_at,
        appeal.executor_id,
        appeal.addressee_id,
        appeal.events.count(),
    )


def test_the_whole_life_of_an_appeal(addressee, operator, head, executor, settings):
    settings.APPEAL_PROCESSING_MODE = "registry"
    author = UserFactory()
    with time_machine.travel(RECEIVED):
        appeal = submit(author, addressee=addressee)
        assert appeal.state == State.SUBMITTED
        services.appeal_register(appeal_id=appeal.pk, actor=operator, is_simple=True)
        appeal.refresh_from_db()
        assert appeal.state == State.REGISTERED
        assert appeal.due_at.astimezone(KYIV).date() == date(2026, 3, 17)  # 15 days
        services.appeal_assign(appeal_id=appeal.pk, actor=head, executor=executor)
        services.appeal_start(appeal_id=appeal.pk, actor=executor)
        services.appeal_extend(
            appeal_id=appeal.pk,
            actor=executor,
            reason="Потрібна експертиза",
            new_due=date(2026, 4, 10),
        )
        answer = services.appeal_answer(appeal_id=appeal.pk, actor=executor, text="Зроблено.")
        services.appeal_rate(
            appeal_id=appeal.pk, actor=author, quality=5, speed=4, completeness=5, comment="Дякую"
        )
        services.appeal_close(appeal_id=appeal.pk, actor=author)
    appeal.refresh_from_db()
    assert appeal.state == State.CLOSED and appeal.answers.get() == answer
    assert appeal.extended_at is not None and "45" in str(appeal.deadline_basis())
    assert [e.action for e in appeal.events.filter(is_public=True)] == [
        "submitted",
        "registered",
        "assigned",
        "started",
        "extended",
        "answered",
        "rated",
        "closed",
    ]
    states = list(appeal.events.values_list("from_state", "to_state"))
    assert ("in_progress", "answered") in states


def test_a_transition_from_the_wrong_state_is_refused_and_changes_nothing(
    addressee, head, executor
):
    appeal = submit(addressee=addressee)
    before = snapshot(appeal)
    with pytest.raises(Conflict, match="cannot be taken into work"):
        services.appeal_start(appeal_id=appeal.pk, actor=head)
    services.appeal_answer(appeal_id=appeal.pk, actor=head, text="Відповідь")
    with pytest.raises(Conflict):
        services.appeal_assign(appeal_id=appeal.pk, actor=head, executor=executor)
    assert snapshot(appeal)[0] == State.ANSWERED
    assert before[4] + 1 == snapshot(appeal)[4]


def test_an_extension_never_goes_beyond_45_days(addressee, head):
    with time_machine.travel(RECEIVED):
        appeal = submit(addressee=addressee)
        before = snapshot(appeal)
        with pytest.raises(ValidationFailed) as refused:
            services.appeal_extend(
                appeal_id=appeal.pk, actor=head, reason="Довго", new_due=date(2026, 4, 30)
            )
        assert refused.value.field == "new_due"
        with pytest.raises(ValidationFailed):
            services.appeal_extend(appeal_id=appeal.pk, actor=head, reason="")
        assert snapshot(appeal) == before
        services.appeal_extend(appeal_id=appeal.pk, actor=head, reason="Довго")
    appeal.refresh_from_db()
    assert appeal.due_at.astimezone(KYIV).date() == date(2026, 4, 16)  # 45 days, on a Thursday


def test_a_second_rating_is_refused(addressee, head):
    author = UserFactory()
    appeal = submit(author, addressee=addressee)
    services.appeal_answer(appeal_id=appeal.pk, actor=head, text="Так")
    services.appeal_rate(appeal_id=appeal.pk, actor=author, quality=3, speed=3, completeness=3)
    with pytest.raises(Conflict, match="already rated"):
        services.appeal_rate(appeal_id=appeal.pk, actor=author, quality=5, speed=5, completeness=5)
    with pytest.raises(ValidationFailed):
        services.appeal_rate(appeal_id=appeal.pk, actor=author, quality=6, speed=5, completeness=5)
    assert Rating.objects.get().quality == 3


def test_a_low_rating_with_a_dispute_reopens_the_appeal_with_a_new_term(addressee, head, settings):
    settings.APPEALS_DEPARTMENT_EMAIL = "zvernennia@rada.example"
    author = UserFactory()
    with time_machine.travel(RECEIVED):
        appeal = submit(author, addressee=addressee)
        services.appeal_answer(appeal_id=appeal.pk, actor=head, text="Відписка")
    with time_machine.travel(RECEIVED + timedelta(days=5)):
        services.appeal_rate(
            appeal_id=appeal.pk,
            actor=author,
            quality=1,
            speed=2,
            completeness=1,
            comment="Нічого не зроблено",
            dispute=True,
        )
    appeal.refresh_from_db()
    assert appeal.state == State.REOPENED
    assert appeal.due_at.astimezone(KYIV).date() == date(2026, 4, 7)
    assert owed(appeal, "low_rating").exists()


def test_a_dispute_after_the_window_points_to_a_complaint(addressee, head):
    author = UserFactory()
    with time_machine.travel(RECEIVED):
        appeal = submit(author, addressee=addressee)
        services.appeal_answer(appeal_id=appeal.pk, actor=head, text="Так")
    with (
        time_machine.travel(RECEIVED + timedelta(days=40)),
        pytest.raises(Conflict, match="complaint"),
    ):
        services.appeal_reopen(appeal_id=appeal.pk, actor=author, reason="Не згоден")
    complaint = submit(author, addressee=addressee, kind=Kind.COMPLAINT, complaint_about=appeal)
    assert complaint.complaint_about == appeal
    with pytest.raises(ValidationFailed):
        submit(UserFactory(), addressee=addressee, kind=Kind.COMPLAINT, complaint_about=appeal)


def test_return_and_forward_have_their_terms(addressee, operator):
    with time_machine.travel(RECEIVED):
        late = submit(addressee=addressee)
        forwarded = submit(addressee=addressee)
    with time_machine.travel(RECEIVED + timedelta(days=3)):
        services.appeal_forward(
            appeal_id=forwarded.pk, actor=operator, to="Головне управління Держгеокадастру"
        )
    with time_machine.travel(RECEIVED + timedelta(days=11)):
        with pytest.raises(Conflict, match="must be considered"):
            services.appeal_return(appeal_id=late.pk, actor=operator, explanation="Без адреси")
        with pytest.raises(Conflict):
            services.appeal_forward(appeal_id=late.pk, actor=operator, to="Інший орган")
    forwarded.refresh_from_db()
    assert forwarded.state == State.FORWARDED and forwarded.closed_at
    assert owed(forwarded, "forwarded").exists()
    assert snapshot(late)[0] == State.REGISTERED


def test_duplicates_link_to_the_original(addressee, operator):
    original, copy = submit(addressee=addressee), submit(addressee=addressee)
    with pytest.raises(ValidationFailed):
        services.appeal_mark_duplicate(appeal_id=copy.pk, actor=operator, original_id=copy.pk)
    services.appeal_mark_duplicate(appeal_id=copy.pk, actor=operator, original_id=original.pk)
    copy.refresh_from_db()
    assert copy.state == State.DUPLICATE and copy.duplicate_of == original
    third = submit(addressee=addressee)
    with pytest.raises(ValidationFailed, match="itself a duplicate"):
        services.appeal_mark_duplicate(appeal_id=third.pk, actor=operator, original_id=copy.pk)


def test_not_considered_needs_a_case_of_article_8(addressee, operator):
    appeal = submit(addressee=addressee)
    with pytest.raises(ValidationFailed):
        services.appeal_not_consider(appeal_id=appeal.pk, actor=operator, reason="because")
    services.appeal_not_consider(appeal_id=appeal.pk, actor=operator, reason="repeated")
    assert snapshot(appeal)[0] == State.NOT_CONSIDERED


def test_co_signers_confirm_from_their_own_accounts(addressee):
    neighbour, stranger = UserFactory(), UserFactory()
    with pytest.raises(ValidationFailed, match=r"nobody@example\.com"):
        submit(addressee=addressee, co_signers=["nobody@example.com"])
    appeal = submit(addressee=addressee, co_signers=[neighbour.email.upper()])
    assert appeal.is_collective
    with pytest.raises(NotFound):
        services.signer_confirm(appeal_id=appeal.pk, user=stranger)
    services.signer_confirm(appeal_id=appeal.pk, user=neighbour)
    with pytest.raises(Conflict):
        services.signer_confirm(appeal_id=appeal.pk, user=neighbour)
    assert owed(appeal, "sign_request", address=neighbour.email).exists()


# --- Who may act: anonymous, another citizen, staff without the right, staff with it ---------


ACTIONS = {
    "assign": lambda appeal, actor, ctx: services.appeal_assign(
        appeal_id=appeal.pk, actor=actor, executor=ctx["executor"]
    ),
    "answer": lambda appeal, actor, ctx: services.appeal_answer(
        appeal_id=appeal.pk, actor=actor, text="Відповідь"
    ),
    "extend": lambda appeal, actor, ctx: services.appeal_extend(
        appeal_id=appeal.pk, actor=actor, reason="Причина"
    ),
    "return": lambda appeal, actor, ctx: services.appeal_return(
        appeal_id=appeal.pk, actor=actor, explanation="Немає адреси"
    ),
    "forward": lambda appeal, actor, ctx: services.appeal_forward(
        appeal_id=appeal.pk, actor=actor, to="Інший орган"
    ),
    "route": lambda appeal, actor, ctx: services.appeal_route(
        appeal_id=appeal.pk, actor=actor, addressee=ctx["other_addressee"]
    ),
    "not_consider": lambda appeal, actor, ctx: services.appeal_not_consider(
        appeal_id=appeal.pk, actor=actor, reason="repeated"
    ),
    "call_back": lambda appeal, actor, ctx: services.appeal_call_back(
        appeal_id=appeal.pk, actor=actor, outcome="satisfied"
    ),
    "comment": lambda appeal, actor, ctx: services.appeal_comment(
        appeal_id=appeal.pk, actor=actor, comment="Нотатка"
    ),
}
# Who, besides operators, has the right: the addressee's responsible staff assign, answer and
# extend; its executor answers and extends.
ALLOWED = {
    "assign": {"operator", "head"},
    "answer": {"operator", "head", "executor"},
    "extend": {"operator", "head", "executor"},
    "return": {"operator"},
    "forward": {"operator"},
    "route": {"operator"},
    "not_consider": {"operator"},
    "call_back": {"operator"},
    "comment": {"operator", "head", "executor", "colleague", "administrator"},
}


@pytest.fixture
def people(addressee, operator, head):
    executor = staff_of(addressee)
    return {
        "anonymous": None,
        "citizen": UserFactory(),
        "author": None,
        "other_staff": staff_of(AddresseeFactory(), responsible=True),
        "colleague": staff_of(addressee),
        "administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
        "moderator": UserFactory(roles=[Role.MODERATOR]),
        "operator": operator,
        "head": head,
        "executor": executor,
    }


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(
    "who",
    [
        "citizen",
        "author",
        "other_staff",
        "colleague",
        "administrator",
        "moderator",
        "operator",
        "head",
        "executor",
    ],
)
def test_every_action_is_permission_checked(action, who, people, addressee):
    from django.contrib.auth.models import AnonymousUser

    author = UserFactory()
    appeal = submit(author, addressee=addressee)
    executor = people["executor"]
    if who == "executor" or action != "assign":
        services.appeal_assign(appeal_id=appeal.pk, actor=people["head"], executor=executor)
    ctx = {
        "executor": people["colleague"] if action == "assign" else executor,
        "other_addressee": AddresseeFactory(),
    }
    actor = author if who == "author" else people[who]
    before = snapshot(appeal)
    if who in ALLOWED[action]:
        ACTIONS[action](appeal, actor, ctx)
        assert snapshot(appeal) != before
        return
    with pytest.raises((PermissionDenied, NotFound)) as refused:
        ACTIONS[action](appeal, actor, ctx)
    # Who may not even see the appeal is not told it exists.
    sees = actor.has_perm("appeals.view_appeal", Appeal.objects.get(pk=appeal.pk))
    assert isinstance(refused.value, PermissionDenied) == sees
    assert snapshot(appeal) == before
    assert not AnonymousUser().has_perm("appeals.view_appeal", appeal)


def test_corruption_reports_are_seen_only_by_the_designated_officers(people):
    officer = UserFactory(roles=[Role.ANTICORRUPTION])
    reporter = UserFactory()
    report = submit(reporter, kind=Kind.CORRUPTION_REPORT, addressee=None)
    seen_by = {
        who
        for who, user in people.items()
        if user is not None and user.has_perm("appeals.view_appeal", report)
    }
    assert seen_by == set()
    assert officer.has_perm("appeals.view_appeal", report)
    assert reporter.has_perm("appeals.view_appeal", report)
    services.appeal_register(appeal_id=report.pk, actor=officer)
    services.appeal_answer(appeal_id=report.pk, actor=officer, text="Перевірено")
    with pytest.raises(NotFound):
        services.appeal_comment(appeal_id=report.pk, actor=people["operator"], comment="x")
    assert not owed(report, "department_copy").exists()
    assert len(mail.outbox) == 0  # nothing is sent before the worker runs
    assert Event.objects.filter(appeal=report, action="answered").exists()


def test_a_reopened_appeal_has_a_new_term_that_may_be_extended(addressee, head):
    author = UserFactory()
    with time_machine.travel(RECEIVED):
        appeal = submit(author, addressee=addressee)
        services.appeal_extend(appeal_id=appeal.pk, actor=head, reason="Експертиза")
    with time_machine.travel(datetime(2026, 4, 10, 10, tzinfo=KYIV)):
        services.appeal_answer(appeal_id=appeal.pk, actor=head, text="Так")
    with time_machine.travel(datetime(2026, 4, 20, 10, tzinfo=KYIV)):
        services.appeal_reopen(appeal_id=appeal.pk, actor=author, reason="Не зроблено")
        appeal.refresh_from_db()
        assert appeal.due_at.astimezone(KYIV).date() == date(2026, 5, 20)
        assert appeal.extended_at is None
        assert "art. 20: within 1 month" in str(appeal.deadline_basis())
        services.appeal_extend(appeal_id=appeal.pk, actor=head, reason="Знову експертиза")
    appeal.refresh_from_db()
    assert appeal.due_at.astimezone(KYIV).date() == date(2026, 6, 4)  # 45 days from 20 April


def test_needing_no_extra_study_is_judged_before_its_short_term_runs_out(addressee, head):
    executor = staff_of(addressee)
    with time_machine.travel(RECEIVED):
        early, late = submit(addressee=addressee), submit(addressee=addressee)
        services.appeal_assign(appeal_id=early.pk, actor=head, executor=executor, is_simple=True)
    early.refresh_from_db()
    assert early.is_simple and early.due_at.astimezone(KYIV).date() == date(2026, 3, 17)
    with time_machine.travel(RECEIVED + timedelta(days=16)):
        before = snapshot(late)
        with pytest.raises(ValidationFailed, match="Too late"):
            services.appeal_assign(appeal_id=late.pk, actor=head, executor=executor, is_simple=True)
        assert snapshot(late) == before
