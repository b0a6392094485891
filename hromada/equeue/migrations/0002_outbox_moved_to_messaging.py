"""The queue's own outbox becomes deliveries of the shared messaging layer: e-mails still owed
are moved there (queued; the messaging workers' sweep sends them), then the table goes."""

from django.db import migrations


def move_owed(apps, schema_editor):
    Notification = apps.get_model("equeue", "Notification")
    Message = apps.get_model("messaging", "Message")
    Delivery = apps.get_model("messaging", "Delivery")
    owed = Notification.objects.filter(sent_at__isnull=True).select_related("booking")
    for row in owed.order_by("pk").iterator(chunk_size=500):
        message, created = Message.objects.get_or_create(
            key=f"equeue:{row.key}"[:200],
            defaults={
                "kind": "queue",
                "template": f"equeue.{row.template}",
                "context": {"booking": row.booking_id},
                "source": f"equeue.booking:{row.booking_id}",
            },
        )
        if created:
            Delivery.objects.create(
                message=message,
                user_id=row.booking.citizen_id,
                channel="email",
                address=row.recipient,
                status="queued",
                attempts=row.attempts,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("equeue", "0001_initial"),
        ("messaging", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(move_owed, migrations.RunPython.noop),
        migrations.DeleteModel(name="Notification"),
    ]
