"""Two announcement tasks of one post at the same moment (a retry racing the first run): the
recipients are handed over once. Needs a server database; SQLite serialises writers."""

import threading

import pytest
from django.db import connection

from hromada.news import fanout
from hromada.news.models import FanOut
from hromada.news.tests.factories import make_post, subscribe

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_post_is_handed_over_once_however_many_tasks_race(addressee, monkeypatch):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs a server database")
    post = make_post(addressee=addressee)
    for _ in range(20):
        subscribe(addressee=addressee)
    handed: list[int] = []
    original = fanout.deliver

    def counting(post, recipients):
        def seen():
            for recipient in recipients:
                handed.append(recipient.user_id)
                yield recipient

        return original(post, seen())

    monkeypatch.setattr(fanout, "deliver", counting)
    barrier = threading.Barrier(4)
    results: list[int] = []

    def task() -> None:
        barrier.wait()
        try:
            results.append(fanout.post_fan_out_run(post_id=post.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=task) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [20, 20, 20, 20]
    assert len(handed) == 20 and len(set(handed)) == 20
    assert FanOut.objects.get(post=post).recipients == 20
