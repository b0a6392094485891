"""Full-text search of the digest, so a common word over 100,000 posts stays fast.

PostgreSQL: a stored generated tsvector of the normalised search text ('simple'
configuration: no stemming, the text is already lower-cased) with a GIN index; the trigram
index it replaces could not stop early on a word most posts contain. SQLite: an FTS5 table
over the same column (external content, kept in step by triggers), rebuilt from the posts
that exist. The query side is ``hromada.news.search``.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE news_post_fts USING fts5(search_text, content='news_post', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER news_post_fts_insert AFTER INSERT ON news_post BEGIN "
    "INSERT INTO news_post_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER news_post_fts_delete AFTER DELETE ON news_post BEGIN "
    "INSERT INTO news_post_fts(news_post_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER news_post_fts_update AFTER UPDATE OF search_text ON news_post BEGIN "
    "INSERT INTO news_post_fts(news_post_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO news_post_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO news_post_fts(news_post_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS news_post_fts_insert",
    "DROP TRIGGER IF EXISTS news_post_fts_delete",
    "DROP TRIGGER IF EXISTS news_post_fts_update",
    "DROP TABLE IF EXISTS news_post_fts",
]
POSTGRESQL = [
    "ALTER TABLE news_post ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
    "CREATE INDEX news_post_search_vector ON news_post USING gin (search_vector)",
    "DROP INDEX IF EXISTS news_post_search_trgm",
    # The new column's statistics now, not when autovacuum next finds enough changed rows:
    # without them the planner cannot tell a common word from a rare one.
    "ANALYZE news_post",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS news_post_search_vector",
    "ALTER TABLE news_post DROP COLUMN IF EXISTS search_vector",
    # Back to 0002's trigram index, where that migration could make it.
    "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN "
    "CREATE INDEX IF NOT EXISTS news_post_search_trgm ON news_post "
    "USING gin (search_text gin_trgm_ops); END IF; END $$",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("news", "0002_search_trigram_index")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        )
    ]
