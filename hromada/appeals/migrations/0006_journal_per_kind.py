"""Journal counters per journal: reports of possible corruption get their own numbering.

The old counters (one per year, primary key the year) become the appeals' journal's.
"""

from django.db import migrations, models


def copy_counters(apps, schema_editor):
    old = apps.get_model("appeals", "LegacyJournalCounter")
    new = apps.get_model("appeals", "JournalCounter")
    new.objects.bulk_create(
        new(journal="appeals", year=year, value=value)
        for year, value in old.objects.values_list("year", "value")
    )


def copy_back(apps, schema_editor):
    old = apps.get_model("appeals", "LegacyJournalCounter")
    new = apps.get_model("appeals", "JournalCounter")
    old.objects.bulk_create(
        old(year=year, value=value)
        for year, value in new.objects.filter(journal="appeals").values_list("year", "value")
    )


class Migration(migrations.Migration):
    dependencies = [("appeals", "0005_addressee_due_index")]

    operations = [
        migrations.RenameModel("JournalCounter", "LegacyJournalCounter"),
        migrations.CreateModel(
            name="JournalCounter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "journal",
                    models.CharField(
                        choices=[
                            ("appeals", "Journal of appeals"),
                            ("corruption", "Journal of reports of possible corruption"),
                        ],
                        default="appeals",
                        max_length=20,
                        verbose_name="journal",
                    ),
                ),
                ("year", models.PositiveIntegerField(verbose_name="year")),
                ("value", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name": "journal counter",
                "verbose_name_plural": "journal counters",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("journal", "year"), name="journal_counter_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(copy_counters, copy_back),
        migrations.DeleteModel("LegacyJournalCounter"),
    ]
