"""The appeals' own outbox becomes deliveries of the shared messaging layer: e-mails still owed
are moved there (queued; the messaging workers' sweep sends them), then the table goes."""

from django.db import migrations

AUTHOR_TEMPLATES = {
    "accepted",
    "registered",
    "answered",
    "returned",
    "forwarded",
    "extended",
    "not_considered",
    "duplicate",
    "sign_request",
}


def move_owed(apps, schema_editor):
    Notification = apps.get_model("appeals", "Notification")
    Message = apps.get_model("messaging", "Message")
    Delivery = apps.get_model("messaging", "Delivery")
    User = apps.get_model("accounts", "User")
    owed = Notification.objects.filter(sent_at__isnull=True).order_by("pk")
    for row in owed.iterator(chunk_size=500):
        message, created = Message.objects.get_or_create(
            key=f"appeals:{row.key}"[:200],
            defaults={
                "kind": "appeal_status" if row.template in AUTHOR_TEMPLATES else "service",
                "template": f"appeals.{row.template}",
                "context": {"appeal": row.appeal_id, "event": row.event_id},
                "source": f"appeals.appeal:{row.appeal_id}",
            },
        )
        if created:
            Delivery.objects.create(
                message=message,
                user=User.objects.filter(email=row.recipient).first(),
                channel="email",
                address=row.recipient,
                status="queued",
                attempts=row.attempts,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0006_journal_per_kind"),
        ("messaging", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(move_owed, migrations.RunPython.noop),
        migrations.DeleteModel(name="Notification"),
    ]
