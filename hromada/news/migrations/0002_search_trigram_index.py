"""On PostgreSQL, a trigram index lets the digest's search (LIKE '%…%' on the normalised
search text) stay fast with hundreds of thousands of posts, as the appeals' search does. SQLite
has no such index; there the search scans, which is fine at its scale."""

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
        logger.warning("pg_trgm is not available: the news search will scan the table")
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS news_post_search_trgm ON news_post "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS news_post_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("news", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
