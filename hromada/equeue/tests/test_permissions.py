"""Four people for every action on a ticket: anonymous, another resident, staff of another
addressee (staff without the right), and the queue's staff (with it). A refusal changes nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory
from hromada.core.errors import ApplicationError, NotFound, PermissionDenied
from hromada.equeue import services
from hromada.equeue.models import Booking
from hromada.equeue.tests.factories import MONDAY, at, book, make_queue, staff_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(queue):
    other_queue = make_queue()
    return {
        "anonymous": AnonymousUser(),
        "another resident": UserFactory(),
        "staff without the right": staff_of(other_queue),
        "the queue's staff": staff_of(queue),
    }


def state(booking):
    row = Booking.objects.get(pk=booking.pk)
    return (row.state, row.starts_at, row.events.count(), row.files.count())


ACTIONS = {
    "cancel": lambda user, b: services.booking_cancel(actor=user, booking_id=b.pk, now=MONDAY),
    "move": lambda user, b: services.booking_move(
        actor=user, booking_id=b.pk, starts_at=at(2, 15), now=MONDAY
    ),
    "arrive": lambda user, b: services.booking_mark(
        actor=user, booking_id=b.pk, action="arrive", now=at(1, 9, 50)
    ),
    "serve": lambda user, b: services.booking_mark(actor=user, booking_id=b.pk, action="serve"),
    "no_show": lambda user, b: services.booking_mark(
        actor=user, booking_id=b.pk, action="no_show", now=at(1, 11)
    ),
    "comment": lambda user, b: services.booking_comment(actor=user, booking_id=b.pk, text="x"),
    "next_visit": lambda user, b: services.booking_plan_next(
        actor=user, booking_id=b.pk, starts_at=at(3, 10), now=MONDAY
    ),
}
# Who may: the queue's staff may do everything; the resident (tested below) cancels and moves.
ALLOWED = {"the queue's staff"}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(
    "who", ["anonymous", "another resident", "staff without the right", "the queue's staff"]
)
def test_every_action_on_a_ticket_for_four_people(queue, people, action, who):
    booking = book(queue, starts_at=at(1, 10))
    before = state(booking)
    user = people[who]
    if who in ALLOWED:
        ACTIONS[action](user, booking)
        assert state(booking) != before
        return
    with pytest.raises((NotFound, PermissionDenied, ApplicationError)) as refused:
        ACTIONS[action](user, booking)
    assert isinstance(refused.value, NotFound | PermissionDenied)
    assert state(booking) == before


@pytest.mark.parametrize("action", ["cancel", "move"])
def test_the_resident_cancels_and_moves_their_own_ticket(queue, action):
    booking = book(queue, starts_at=at(1, 10))
    ACTIONS[action](booking.citizen, booking)
    assert state(booking) != (booking.state, booking.starts_at, 1, 0)


@pytest.mark.parametrize("action", ["arrive", "serve", "no_show", "comment", "next_visit"])
def test_the_resident_may_not_work_the_desk_on_their_own_ticket(queue, action):
    booking = book(queue, starts_at=at(1, 10))
    before = state(booking)
    with pytest.raises(PermissionDenied):
        ACTIONS[action](booking.citizen, booking)
    assert state(booking) == before


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("another resident", 404),
        ("staff without the right", 404),
        ("the queue's staff", 200),
        ("holder", 200),
        ("administrator", 200),
    ],
)
def test_the_ticket_page_is_seen_only_by_its_resident_the_queue_staff_and_admins(
    queue, people, settings, who, status
):
    settings.STAFF_MFA_REQUIRED = False
    booking = book(queue, starts_at=at(1, 10))
    people["holder"] = booking.citizen
    people["administrator"] = UserFactory(roles=[Role.ADMINISTRATOR])
    client = Client()
    if who != "anonymous":
        client.force_login(people[who])
    for suffix in ("", "ticket.pdf", "ticket.ics"):
        response = client.get(booking.get_absolute_url() + suffix)
        assert response.status_code == status, (suffix, response.status_code)
    page = client.get(booking.get_absolute_url())
    if who == "the queue's staff":
        assert f"/office/queue/tickets/{booking.code}/arrive/" in page.content.decode()
    elif status == 200:
        assert f"/office/queue/tickets/{booking.code}/arrive/" not in page.content.decode()
