"""The appeals' and the queue's old outboxes move to the shared delivery table: e-mails still
owed at the upgrade are queued there and sent as before; the ones sent stay behind."""

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from hromada.accounts.tests.factories import UserFactory
from hromada.appeals.tests.factories import submit
from hromada.directory.tests.factories import AddresseeFactory
from hromada.equeue.tests.factories import at, book, make_queue
from hromada.messaging.models import Delivery, Message, Status
from hromada.messaging.tests.factories import send_owed

BEFORE = [("appeals", "0006_journal_per_kind"), ("equeue", "0001_initial")]
AFTER = [
    ("appeals", "0007_outbox_moved_to_messaging"),
    ("equeue", "0002_outbox_moved_to_messaging"),
]


@pytest.fixture
def _schema_restored():
    """Going back to BEFORE also unapplies every later migration that depends on those apps
    (other apps' too); afterwards the whole schema is migrated forward again, or the tests that
    run next in this process would meet missing columns."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_schema_restored")
def test_owed_emails_of_the_old_outboxes_are_moved_and_then_sent():
    author = UserFactory()
    appeal = submit(author, addressee=AddresseeFactory())
    booking = book(make_queue(), author, starts_at=at(1, 10))
    Delivery.objects.all().delete()
    Message.objects.all().delete()

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    appeal_outbox = old.get_model("appeals", "Notification")
    queue_outbox = old.get_model("equeue", "Notification")
    appeal_outbox.objects.create(
        key=f"accepted:{appeal.pk}:::{author.email}",
        appeal_id=appeal.pk,
        template="accepted",
        recipient=author.email,
        attempts=1,
    )
    appeal_outbox.objects.create(
        key=f"registered:{appeal.pk}:::{author.email}",
        appeal_id=appeal.pk,
        template="registered",
        recipient=author.email,
        sent_at=timezone.now(),
    )
    queue_outbox.objects.create(
        key=f"booked:{booking.pk}::", booking_id=booking.pk, template="booked", recipient="x@e.ua"
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    moved = {d.message.template: d for d in Delivery.objects.select_related("message")}
    assert set(moved) == {"appeals.accepted", "equeue.booked"}
    accepted = moved["appeals.accepted"]
    assert (accepted.status, accepted.attempts, accepted.user_id) == (
        Status.QUEUED,
        1,
        author.pk,
    )
    assert accepted.message.kind == "appeal_status"
    assert moved["equeue.booked"].address == "x@e.ua"
    assert send_owed(accepted.pk) and send_owed(moved["equeue.booked"].pk)
    subjects = [m.subject for m in mail.outbox]
    assert any(appeal.number in s for s in subjects)
    assert any(booking.number in s for s in subjects)
    assert [len(m.attachments) for m in mail.outbox if booking.number in m.subject] == [2]
