"""Writing, publishing, scheduling and unpublishing posts through the services."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hromada.core.errors import Conflict, ValidationFailed
from hromada.core.models import AuditEvent
from hromada.news import services, tasks
from hromada.news.models import FanOut, Post, PostFile, Tag
from hromada.news.tests.factories import make_district, pdf, png

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.get_default_timezone())


def write(moderator, addressee, **fields):
    fields.setdefault("category", "notice")
    fields.setdefault("title", "Планове відключення води")
    fields.setdefault("body", "У п’ятницю з 9:00 до 17:00 не буде води на вулиці Вишневій.")
    return services.post_create(actor=moderator, addressee_id=addressee.pk, **fields)


def fan_out_tasks() -> list:
    return list(
        DBTaskResult.objects.filter(task_path="hromada.news.tasks.post_fan_out").values_list(
            "args_kwargs", flat=True
        )
    )


def test_a_draft_is_not_public_and_announces_nothing(moderator, addressee):
    post = write(moderator, addressee, tags="Вода, ВОДА , відключення")
    assert post.state == Post.State.DRAFT and post.published_at is None
    assert sorted(post.tags.values_list("name", flat=True)) == ["вода", "відключення"]
    assert "п'ятницю" in post.search_text  # one kind of apostrophe in the index
    assert not fan_out_tasks()
    event = AuditEvent.objects.get(action="news.post_created")
    assert event.actor == moderator and event.target_id == str(post.pk)


def test_publishing_now_enqueues_the_announcement_on_commit(
    moderator, addressee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = write(moderator, addressee, publish=True, district_id=make_district().pk)
    assert post.state == Post.State.PUBLISHED and post.published_at is not None
    assert fan_out_tasks() == [{"args": [post.pk], "kwargs": {}}]


def test_a_scheduled_post_is_published_by_the_periodic_job(
    moderator, addressee, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        post = write(moderator, addressee, publish_at=NOW + timedelta(hours=2))
        assert post.state == Post.State.SCHEDULED
        assert services.posts_publish_due() == 0
    later = NOW + timedelta(hours=2, seconds=30)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert tasks.publish_due_posts.call() == 1
    post.refresh_from_db()
    assert post.state == Post.State.PUBLISHED
    assert post.published_at == NOW + timedelta(hours=2)  # the time it was meant for
    assert post.publish_at is None
    assert len(fan_out_tasks()) == 1
    assert AuditEvent.objects.filter(action="news.post_published", actor=None).count() == 1


def test_a_time_in_the_past_is_refused_and_nothing_is_written(moderator, addressee):
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationFailed) as refused:
        write(moderator, addressee, publish_at=NOW - timedelta(minutes=1))
    assert refused.value.field == "publish_at"
    assert "passed" in refused.value.message
    assert not Post.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="news.").exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": ""}, "body"),
        ({"category": "gossip"}, "category"),
        ({"district_id": 999_999}, "district"),
        ({"tags": [f"тема {n}" for n in range(11)]}, "tags"),
        ({"tags": ["---"]}, "tags"),
        ({"title": "a\x00b"}, "title"),
    ],
)
def test_bad_input_is_refused_with_the_field(moderator, addressee, fields, field):
    with pytest.raises(ValidationFailed) as refused:
        write(moderator, addressee, **fields)
    assert refused.value.field == field
    assert not Post.objects.exists() and not Tag.objects.exists()


def test_pictures_and_documents_are_judged_by_their_content(moderator, addressee, media):
    post = write(moderator, addressee, images=[png()], image_alt="Карта", attachments=[pdf()])
    kinds = {f.kind: f for f in post.files.all()}
    assert kinds["image"].content_type == "image/png" and kinds["image"].alt == "Карта"
    assert kinds["attachment"].content_type == "application/pdf"
    assert all(default_storage.exists(f.file.name) for f in kinds.values())

    fake = SimpleUploadedFile("photo.png", b"<script>alert(1)</script>", "image/png")
    with pytest.raises(ValidationFailed) as refused:
        write(moderator, addressee, title="Друга", images=[png(), fake])
    assert refused.value.field == "images"
    assert Post.objects.count() == 1 and PostFile.objects.count() == 2
    assert len(list((media / "news" / "posts").iterdir())) == 2  # nothing half-written


def test_too_many_files_are_refused(moderator, addressee, settings):
    settings.NEWS_FILES_MAX = 2
    with pytest.raises(ValidationFailed, match="at most 2 files"):
        write(moderator, addressee, images=[png(), png()], attachments=[pdf()])
    assert not Post.objects.exists()


def test_editing_keeps_the_old_values_in_the_audit_and_swaps_files(
    moderator, addressee, media, django_capture_on_commit_callbacks
):
    post = write(moderator, addressee, tags="вода", attachments=[pdf()])
    old = post.files.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(
            actor=moderator,
            post_id=post.pk,
            category="news",
            title="Відключення води скасовано",
            body=post.body,
            tags="вода, ремонт",
            images=[png()],
            remove_files=[old.pk],
        )
    post.refresh_from_db()
    assert post.title == "Відключення води скасовано" and post.category == "news"
    assert "скасовано" in post.search_text and "ремонт" in post.search_text
    assert list(post.files.values_list("kind", flat=True)) == ["image"]
    assert not default_storage.exists(old.file.name)
    event = AuditEvent.objects.get(action="news.post_changed")
    assert event.payload["before"] == {
        "category": "notice",
        "title": "Планове відключення води",
        "tags": ["вода"],
    }
    assert event.payload["removed_files"] == ["rishennia.pdf"]


def test_unpublish_and_publish_again_announces_only_once(
    moderator, addressee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = write(moderator, addressee, publish=True)
    first = post.published_at
    services.post_unpublish(actor=moderator, post_id=post.pk, reason="Помилка в даті")
    post.refresh_from_db()
    assert post.state == Post.State.UNPUBLISHED
    with pytest.raises(Conflict):
        services.post_unpublish(actor=moderator, post_id=post.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_publish(actor=moderator, post_id=post.pk)
    post.refresh_from_db()
    assert post.state == Post.State.PUBLISHED and post.published_at == first
    assert len(fan_out_tasks()) == 1
    with pytest.raises(Conflict, match="already published"):
        services.post_publish(actor=moderator, post_id=post.pk)
    actions = list(
        AuditEvent.objects.filter(target_id=str(post.pk), action__startswith="news.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["news.post_created", "news.post_unpublished", "news.post_published"]
    assert AuditEvent.objects.get(action="news.post_unpublished").payload["reason"] == (
        "Помилка в даті"
    )


def test_a_scheduled_post_may_be_called_off_and_rescheduled(moderator, addressee):
    with time_machine.travel(NOW, tick=False):
        post = write(moderator, addressee, publish_at=NOW + timedelta(days=1))
        services.post_unpublish(actor=moderator, post_id=post.pk)
        post.refresh_from_db()
        assert post.state == Post.State.UNPUBLISHED and post.publish_at is None
        services.post_schedule(actor=moderator, post_id=post.pk, publish_at=NOW + timedelta(days=2))
        post.refresh_from_db()
        assert post.state == Post.State.SCHEDULED
        with pytest.raises(ValidationFailed):
            services.post_schedule(actor=moderator, post_id=post.pk, publish_at=None)
    with time_machine.travel(NOW + timedelta(days=1, hours=1), tick=False):
        assert services.posts_publish_due() == 0  # the first time was called off


def test_publishing_a_scheduled_post_now(moderator, addressee):
    with time_machine.travel(NOW, tick=False):
        post = write(moderator, addressee, publish_at=NOW + timedelta(days=1))
        services.post_publish(actor=moderator, post_id=post.pk)
    post.refresh_from_db()
    assert post.state == Post.State.PUBLISHED and post.published_at == NOW
    assert post.publish_at is None


def test_the_fan_out_record_is_written_once(moderator, addressee):
    post = write(moderator, addressee, publish=True)
    assert tasks.post_fan_out.call(post.pk) == 0
    record = FanOut.objects.get(post=post)
    assert record.finished_at is not None and record.recipients == 0
    assert tasks.post_fan_out.call(post.pk) == 0
    assert FanOut.objects.count() == 1
