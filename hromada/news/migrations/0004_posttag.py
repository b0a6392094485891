"""The post–topic table becomes a model of its own with the post's publication time, kept
by triggers, and an index (tag, published_at, post) that a topic's digest page walks.

The table and its rows stay as they are (state only for the model); the column, the index,
the triggers and the back-fill are added on the database."""

import django.db.models.deletion
from django.db import migrations, models

SQLITE = [
    "CREATE TRIGGER news_post_tags_fill AFTER INSERT ON news_post_tags BEGIN "
    "UPDATE news_post_tags SET published_at = (SELECT CASE WHEN state = 'published' "
    "THEN published_at END FROM news_post WHERE id = new.post_id) WHERE id = new.id; END",
    "CREATE TRIGGER news_post_tags_follow AFTER UPDATE OF state, published_at ON news_post "
    "BEGIN UPDATE news_post_tags SET published_at = CASE WHEN new.state = 'published' "
    "THEN new.published_at END WHERE post_id = new.id; END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS news_post_tags_fill",
    "DROP TRIGGER IF EXISTS news_post_tags_follow",
]
POSTGRESQL = [
    """CREATE FUNCTION news_post_tags_fill() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT CASE WHEN state = 'published' THEN published_at END INTO NEW.published_at
        FROM news_post WHERE id = NEW.post_id;
        RETURN NEW;
    END $$""",
    "CREATE TRIGGER news_post_tags_fill BEFORE INSERT ON news_post_tags "
    "FOR EACH ROW EXECUTE FUNCTION news_post_tags_fill()",
    """CREATE FUNCTION news_post_tags_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE news_post_tags
        SET published_at = CASE WHEN NEW.state = 'published' THEN NEW.published_at END
        WHERE post_id = NEW.id;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER news_post_tags_follow AFTER UPDATE OF state, published_at ON news_post "
    "FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state "
    "OR OLD.published_at IS DISTINCT FROM NEW.published_at) "
    "EXECUTE FUNCTION news_post_tags_follow()",
    # Statistics of the filled column now (the back-fill rewrote every row).
    "ANALYZE news_post_tags",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS news_post_tags_follow ON news_post",
    "DROP FUNCTION IF EXISTS news_post_tags_follow()",
    "DROP TRIGGER IF EXISTS news_post_tags_fill ON news_post_tags",
    "DROP FUNCTION IF EXISTS news_post_tags_fill()",
]
BACKFILL = (
    "UPDATE news_post_tags SET published_at = (SELECT CASE WHEN news_post.state = 'published' "
    "THEN news_post.published_at END FROM news_post WHERE news_post.id = news_post_tags.post_id)"
)


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("news", "0003_full_text_search")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PostTag",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "post",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="tag_links",
                                to="news.post",
                            ),
                        ),
                        (
                            "tag",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="post_links",
                                to="news.tag",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "topic of a post",
                        "verbose_name_plural": "topics of posts",
                        "db_table": "news_post_tags",
                        "unique_together": {("post", "tag")},
                    },
                ),
                migrations.AlterField(
                    model_name="post",
                    name="tags",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="posts",
                        through="news.PostTag",
                        to="news.tag",
                        verbose_name="topics",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="posttag",
            name="published_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="posttag",
            index=models.Index(
                fields=["tag", "-published_at", "-post"], name="news_posttag_digest"
            ),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        ),
    ]
