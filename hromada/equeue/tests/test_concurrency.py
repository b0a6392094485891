"""Never a double booking: residents racing for the same times, on PostgreSQL.

SQLite serialises writers, so the race needs a server database; the suite runs there in CI.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from hromada.accounts.tests.factories import UserFactory
from hromada.core.errors import Conflict
from hromada.equeue.models import Booking
from hromada.equeue.tests.factories import MONDAY, at, book, make_queue

PEOPLE = 12
SLOTS = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_residents_book_each_slot_exactly_once():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    queue = make_queue(active_limit=5)
    people = [UserFactory() for _ in range(PEOPLE)]
    times = [at(0, 10) + timedelta(minutes=30 * n) for n in range(SLOTS)]  # 10:00 … 11:30
    barrier = threading.Barrier(PEOPLE)
    won, lost, errors = [], [], []

    def race(index: int, person) -> None:
        try:
            barrier.wait()
            try:
                won.append(book(queue, person, starts_at=times[index % SLOTS], now=MONDAY).pk)
            except Conflict as exc:
                assert exc.code == "slot_taken" and exc.extra["free_slots"]
                lost.append(index)
        except Exception as exc:  # a failure in a thread must fail the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(i, p)) for i, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(won) == SLOTS and len(lost) == PEOPLE - SLOTS
    starts = list(Booking.objects.values_list("starts_at", flat=True))
    assert sorted(starts) == sorted(times)
    numbers = sorted(Booking.objects.values_list("number", flat=True))
    assert numbers == [f"А-{n:03d}" for n in range(1, SLOTS + 1)]
