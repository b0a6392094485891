"""Who may see and act on a booking.

A ticket is seen by the resident who booked it, by the staff of the queue's addressee (the
same people who handle its appeals) and by administrators. The specialist's desk (arrived,
served, no-show, comments, files, the next visit) belongs to the queue's staff.
"""

import rules

from hromada.accounts.rules import is_administrator
from hromada.directory.models import Membership


def _queue_id(obj) -> int | None:
    return getattr(obj, "queue_id", None) or getattr(obj, "pk", None)


@rules.predicate
def is_holder(user, booking) -> bool:
    return bool(booking is not None and user.is_authenticated and booking.citizen_id == user.pk)


@rules.predicate
def is_queue_staff(user, obj) -> bool:
    """``obj`` is a booking or a queue: a member of staff of the queue's addressee."""
    if obj is None or not user.is_authenticated or not user.is_active:
        return False
    queue = getattr(obj, "queue", obj)
    return Membership.objects.filter(addressee_id=queue.addressee_id, user=user).exists()


@rules.predicate
def has_a_queue(user) -> bool:
    """Works for an addressee that has a queue: the desk is for them."""
    return bool(
        user.is_authenticated
        and user.is_active
        and Membership.objects.filter(user=user, addressee__queues__isnull=False).exists()
    )


rules.add_perm("equeue.view_booking", is_holder | is_queue_staff | is_administrator)
rules.add_perm("equeue.cancel_booking", is_holder | is_queue_staff | is_administrator)
rules.add_perm("equeue.move_booking", is_holder | is_queue_staff)
rules.add_perm("equeue.work_at_desk", is_queue_staff)
rules.add_perm("equeue.use_desk", has_a_queue | is_administrator)
# A queue: its bookings as CSV or as the feed for the document-management system.
rules.add_perm("equeue.export_bookings", is_queue_staff | is_administrator)
