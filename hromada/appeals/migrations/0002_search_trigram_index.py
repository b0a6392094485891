"""On PostgreSQL, a trigram index lets the back office's text search (LIKE '%…%' on the
normalised search text) stay fast with millions of appeals. SQLite has no such index; there
the search scans, which is fine at its scale."""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        # A database role that may not create extensions: the search still works, slower.
        # docs/deployment.md says how to add the extension and rerun this migration.
        logger.warning("pg_trgm is not available: appeal search will scan the table")
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS appeal_search_trgm ON appeals_appeal "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS appeal_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
