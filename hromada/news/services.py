"""Writing posts and subscriptions.

Each post action locks the post's row, refuses an illegal state with a clear message, writes
one audit event and, on a first publication, enqueues the announcement to subscribers on
commit. Files are checked by their content before anything is written, and removed from
storage again if the transaction fails.
"""

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hromada.accounts.models import User
from hromada.core.audit import audit_event_record
from hromada.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hromada.core.files import random_name, validate_document, validate_image
from hromada.core.models import District
from hromada.directory.models import Addressee
from hromada.directory.services import normalize_search
from hromada.news.models import (
    Category,
    Channel,
    Frequency,
    Post,
    PostFile,
    Subscription,
    Tag,
)

TITLE_MAX = 200
BODY_MAX = 20_000
TAGS_MAX = 10
TAG_MAX = 60
ALT_MAX = 300
QUERY_MAX = 200
SPACES = re.compile(r"\s+")
State = Post.State


# --- Checking what was typed ------------------------------------------------------------------


def _clean_text(value: str, *, field: str, maximum: int, required: bool = True) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationFailed(_("The text contains a forbidden character."), field=field)
    if required and not value:
        raise ValidationFailed(_("Fill in this field."), field=field)
    if len(value) > maximum:
        raise ValidationFailed(_("At most %(max)d characters.") % {"max": maximum}, field=field)
    return value


def _category(value: str) -> str:
    if value not in Category.values:
        raise ValidationFailed(
            _("Choose a category: notice, news or announcement."), field="category"
        )
    return value


def _district(district_id: int | None) -> District | None:
    if not district_id:
        return None
    district = District.objects.filter(pk=district_id).first()
    if district is None:
        raise ValidationFailed(_("No such district."), field="district")
    return district


def tag_names(values: Iterable[str] | str) -> list[str]:
    """Topics as typed (a list, or one string with commas): trimmed, lower case, no repeats."""
    if isinstance(values, str):
        values = values.split(",")
    names: list[str] = []
    for value in values:
        name = SPACES.sub(" ", str(value)).strip().lower()
        if name and name not in names:
            names.append(name)
    if len(names) > TAGS_MAX:
        raise ValidationFailed(_("At most %(count)d topics.") % {"count": TAGS_MAX}, field="tags")
    for name in names:
        if len(name) > TAG_MAX or "\x00" in name:
            raise ValidationFailed(
                _("A topic has at most %(max)d characters.") % {"max": TAG_MAX}, field="tags"
            )
        if not slugify(name, allow_unicode=True):
            raise ValidationFailed(_("A topic must contain letters or digits."), field="tags")
    return names


def _tags(names: Sequence[str]) -> list[Tag]:
    """Find or make the topics; two moderators adding one at once both end with one row."""
    tags = []
    for name in names:
        tag = Tag.objects.filter(name=name).first()
        if tag is None:
            try:
                with transaction.atomic():
                    tag = Tag.objects.create(name=name, slug=_tag_slug(name))
            except IntegrityError:
                tag = Tag.objects.get(name=name)
        tags.append(tag)
    return tags


def _tag_slug(name: str) -> str:
    base = slugify(name, allow_unicode=True)[:70]
    slug, number = base, 1
    while Tag.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _future(moment: datetime | None, *, now: datetime) -> datetime:
    if moment is None:
        raise ValidationFailed(_("Give the date and time of publication."), field="publish_at")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment <= now:
        raise ValidationFailed(
            _("The time of publication has passed. Choose a later time or publish now."),
            field="publish_at",
        )
    return moment


def _check_files(
    images: Sequence[UploadedFile], attachments: Sequence[UploadedFile], *, already: int = 0
) -> list[tuple[UploadedFile, str, str, str]]:
    """(upload, kind, extension, content type) for each file; refuse the lot if one is bad."""
    if already + len(images) + len(attachments) > settings.NEWS_FILES_MAX:
        raise ValidationFailed(
            _("A post carries at most %(count)d files.") % {"count": settings.NEWS_FILES_MAX},
            field="attachments" if attachments else "images",
        )
    checked = []
    for upload in images:
        extension = validate_image(upload, max_bytes=settings.NEWS_FILE_MAX_BYTES, field="images")
        content_type = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}[extension]
        checked.append((upload, PostFile.Kind.IMAGE, extension, content_type))
    for upload in attachments:
        extension, content_type = validate_document(
            upload, max_bytes=settings.NEWS_FILE_MAX_BYTES, field="attachments"
        )
        checked.append((upload, PostFile.Kind.ATTACHMENT, extension, content_type))
    return checked


def post_files_check(
    *, images: Sequence[UploadedFile], attachments: Sequence[UploadedFile], already: int = 0
) -> None:
    """Refuse files a post may not carry, as writing the post would (for a form to show
    the error beside its field before anything is written)."""
    _check_files(images, attachments, already=already)


def _store_files(post: Post, checked, *, alt: str, written: list) -> list[str]:
    order = post.files.count()
    names = []
    for upload, kind, extension, content_type in checked:
        order += 1
        stored = PostFile(
            post=post,
            kind=kind,
            name=(upload.name or "file")[-200:],
            content_type=content_type,
            size=upload.size,
            alt=alt if kind == PostFile.Kind.IMAGE else "",
            order=order,
        )
        stored.file.save(random_name("posts", extension), upload, save=False)
        written.append(stored.file)
        stored.save()
        names.append(stored.name)
    return names


def _refresh_search_text(post: Post, tags: Sequence[Tag]) -> None:
    post.search_text = normalize_search(
        " ".join([post.title, post.body, *(tag.name for tag in tags)])
    )


def _lock_post(actor: User, post_id: int) -> Post:
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("addressee")
        .filter(pk=post_id)
        .first()
    )
    if post is None or not actor.has_perm("news.view_post", post):
        raise NotFound(_("No such post."))
    if not actor.has_perm("news.write_post", post):
        raise PermissionDenied(_("You may not change this post."))
    return post


def _announce_on_commit(post: Post) -> None:
    from hromada.news.tasks import post_fan_out

    post_id = post.pk
    transaction.on_commit(lambda: post_fan_out.enqueue(post_id))


def _publish(post: Post, *, at: datetime) -> None:
    post.state = State.PUBLISHED
    # A post published again after a correction keeps its first date and is not announced
    # again: its subscribers have already been told.
    first = post.published_at is None
    post.published_at = post.published_at or at
    post.publish_at = None
    if first:
        _announce_on_commit(post)


# --- Posts ------------------------------------------------------------------------------------


def post_create(
    *,
    actor: User,
    addressee_id: int,
    category: str,
    title: str,
    body: str,
    district_id: int | None = None,
    tags: Iterable[str] | str = (),
    images: Sequence[UploadedFile] = (),
    image_alt: str = "",
    attachments: Sequence[UploadedFile] = (),
    publish: bool = False,
    publish_at: datetime | None = None,
    now: datetime | None = None,
) -> Post:
    """Write a post for an addressee: a draft, scheduled for ``publish_at``, or published now."""
    now = now or timezone.now()
    addressee = Addressee.objects.filter(pk=addressee_id).first()
    if addressee is None:
        raise ValidationFailed(_("No such addressee."), field="addressee")
    if not actor.has_perm("news.write_post", addressee):
        raise PermissionDenied(_("You may not write posts for this addressee."))
    title = _clean_text(title, field="title", maximum=TITLE_MAX)
    body = _clean_text(body, field="body", maximum=BODY_MAX)
    image_alt = _clean_text(image_alt, field="image_alt", maximum=ALT_MAX, required=False)
    category = _category(category)
    district = _district(district_id)
    names = tag_names(tags)
    if publish_at is not None and not publish:
        publish_at = _future(publish_at, now=now)
    checked = _check_files(images, attachments)
    written: list = []
    try:
        with transaction.atomic():
            post = Post(
                addressee=addressee,
                category=category,
                title=title,
                body=body,
                district=district,
                author=actor,
                state=State.DRAFT,
            )
            tag_rows = _tags(names)
            _refresh_search_text(post, tag_rows)
            if publish:
                post.save()
                _publish(post, at=now)
            elif publish_at is not None:
                post.state, post.publish_at = State.SCHEDULED, publish_at
            post.save()
            post.tags.set(tag_rows)
            files = _store_files(post, checked, alt=image_alt, written=written)
            audit_event_record(
                actor=actor,
                action="news.post_created",
                target=post,
                state=post.state,
                publish_at=post.publish_at.isoformat() if post.publish_at else None,
                files=files,
            )
    except BaseException:
        for stored_file in written:
            stored_file.storage.delete(stored_file.name)
        raise
    return post


EDITABLE = ("category", "title", "body", "district_id")


def post_update(
    *,
    actor: User,
    post_id: int,
    category: str,
    title: str,
    body: str,
    district_id: int | None = None,
    tags: Iterable[str] | str = (),
    images: Sequence[UploadedFile] = (),
    image_alt: str = "",
    attachments: Sequence[UploadedFile] = (),
    remove_files: Iterable[int] = (),
) -> Post:
    """Correct a post in any state; the audit event keeps what was there before."""
    title = _clean_text(title, field="title", maximum=TITLE_MAX)
    body = _clean_text(body, field="body", maximum=BODY_MAX)
    image_alt = _clean_text(image_alt, field="image_alt", maximum=ALT_MAX, required=False)
    category = _category(category)
    district = _district(district_id)
    names = tag_names(tags)
    remove = {int(pk) for pk in remove_files}
    written: list = []
    try:
        with transaction.atomic():
            post = _lock_post(actor, post_id)
            kept = post.files.exclude(pk__in=remove).count()
            checked = _check_files(images, attachments, already=kept)
            before = {field: getattr(post, field) for field in EDITABLE}
            before_tags = sorted(post.tags.values_list("name", flat=True))
            post.category, post.title, post.body = category, title, body
            post.district = district
            tag_rows = _tags(names)
            _refresh_search_text(post, tag_rows)
            post.save()
            post.tags.set(tag_rows)
            removed = list(post.files.filter(pk__in=remove))
            for stored in removed:
                stored.delete()
            added = _store_files(post, checked, alt=image_alt, written=written)
            changed = {
                field: before[field] for field in EDITABLE if before[field] != getattr(post, field)
            }
            if sorted(names) != before_tags:
                changed["tags"] = before_tags
            audit_event_record(
                actor=actor,
                action="news.post_changed",
                target=post,
                before=changed,
                added_files=added,
                removed_files=[stored.name for stored in removed],
            )
            # The old files go only once the change is saved for good.
            for stored in removed:
                name, storage = stored.file.name, stored.file.storage
                transaction.on_commit(lambda n=name, s=storage: s.delete(n))
    except BaseException:
        for stored_file in written:
            stored_file.storage.delete(stored_file.name)
        raise
    return post


def post_publish(*, actor: User, post_id: int, now: datetime | None = None) -> Post:
    """Publish now a draft, a scheduled or an unpublished post."""
    now = now or timezone.now()
    with transaction.atomic():
        post = _lock_post(actor, post_id)
        if post.state == State.PUBLISHED:
            raise Conflict(_("The post is already published."), extra={"state": post.state})
        was = post.state
        _publish(post, at=now)
        post.save(update_fields=["state", "published_at", "publish_at", "updated_at"])
        audit_event_record(actor=actor, action="news.post_published", target=post, was=was)
    return post


def post_schedule(
    *, actor: User, post_id: int, publish_at: datetime | None, now: datetime | None = None
) -> Post:
    """Publish later: the periodic job publishes the post at ``publish_at``."""
    now = now or timezone.now()
    publish_at = _future(publish_at, now=now)
    with transaction.atomic():
        post = _lock_post(actor, post_id)
        if post.state == State.PUBLISHED:
            raise Conflict(
                _("The post is already published; unpublish it first."),
                extra={"state": post.state},
            )
        was = post.state
        post.state, post.publish_at = State.SCHEDULED, publish_at
        post.save(update_fields=["state", "publish_at", "updated_at"])
        audit_event_record(
            actor=actor,
            action="news.post_scheduled",
            target=post,
            was=was,
            publish_at=publish_at.isoformat(),
        )
    return post


def post_unpublish(*, actor: User, post_id: int, reason: str = "") -> Post:
    """Take a published post down, or call off a scheduled one; the text stays for a fix."""
    reason = _clean_text(reason, field="reason", maximum=1000, required=False)
    with transaction.atomic():
        post = _lock_post(actor, post_id)
        if post.state not in (State.PUBLISHED, State.SCHEDULED):
            raise Conflict(
                _("Only a published or scheduled post can be unpublished; this one is %(state)s.")
                % {"state": post.get_state_display().lower()},
                extra={"state": post.state},
            )
        was = post.state
        post.state, post.publish_at = State.UNPUBLISHED, None
        post.save(update_fields=["state", "publish_at", "updated_at"])
        audit_event_record(
            actor=actor, action="news.post_unpublished", target=post, was=was, reason=reason
        )
    return post


def posts_publish_due(*, now: datetime | None = None, batch: int = 500) -> int:
    """Publish the scheduled posts whose time has come (the periodic job)."""
    now = now or timezone.now()
    published = 0
    with transaction.atomic():
        due = (
            Post.objects.select_for_update(skip_locked=True)
            .filter(state=State.SCHEDULED, publish_at__lte=now)
            .order_by("publish_at", "pk")[:batch]
        )
        for post in due:
            at = post.publish_at
            _publish(post, at=at)
            post.save(update_fields=["state", "published_at", "publish_at", "updated_at"])
            audit_event_record(
                actor=None, action="news.post_published", target=post, was=State.SCHEDULED
            )
            published += 1
    return published


# --- Subscriptions ----------------------------------------------------------------------------


def subscription_key(
    *,
    addressee_id: int | None,
    district_id: int | None,
    tag_id: int | None,
    category: str,
    query: str,
) -> str:
    return f"a={addressee_id or ''};d={district_id or ''};t={tag_id or ''};c={category};q={query}"


def _channels(values: Iterable[str]) -> list[str]:
    chosen = [value for value in Channel.values if value in set(values)]
    unknown = set(values) - set(Channel.values)
    if unknown:
        raise ValidationFailed(
            _("Unknown channel: %(codes)s.") % {"codes": ", ".join(sorted(unknown))},
            field="channels",
        )
    if not chosen:
        raise ValidationFailed(_("Choose at least one way to be told."), field="channels")
    return chosen


def _frequency(value: str) -> str:
    if value not in Frequency.values:
        raise ValidationFailed(_("Choose at once or once a day."), field="frequency")
    return value


def subscription_create(
    *,
    actor: User,
    addressee_id: int | None = None,
    district_id: int | None = None,
    tag_id: int | None = None,
    category: str = "",
    query: str = "",
    channels: Iterable[str] = (Channel.INBOX, Channel.EMAIL),
    frequency: str = Frequency.IMMEDIATE,
) -> Subscription:
    """Follow the posts that match a filter (any field may be empty: it matches anything)."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to subscribe."))
    channels = _channels(list(channels))
    frequency = _frequency(frequency)
    if category and category not in Category.values:
        raise ValidationFailed(_("No such category."), field="category")
    query = normalize_search(_clean_text(query, field="query", maximum=QUERY_MAX, required=False))
    if addressee_id and not Addressee.objects.filter(pk=addressee_id, is_published=True).exists():
        raise ValidationFailed(_("No such addressee."), field="addressee")
    district = _district(district_id)
    if tag_id and not Tag.objects.filter(pk=tag_id).exists():
        raise ValidationFailed(_("No such topic."), field="tag")
    key = subscription_key(
        addressee_id=addressee_id or None,
        district_id=district.pk if district else None,
        tag_id=tag_id or None,
        category=category,
        query=query,
    )
    with transaction.atomic():
        # Lock the person's row: two clicks at once must not pass the limit together.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        existing = Subscription.objects.filter(user=actor, key=key).first()
        if existing is not None:
            raise Conflict(
                _("You already follow these posts."),
                code="already_subscribed",
                extra={"subscription": existing.pk},
            )
        if Subscription.objects.filter(user=actor).count() >= settings.NEWS_SUBSCRIPTIONS_MAX:
            raise ValidationFailed(
                _("At most %(count)d subscriptions; remove one you no longer need.")
                % {"count": settings.NEWS_SUBSCRIPTIONS_MAX},
                code="too_many_subscriptions",
            )
        subscription = Subscription.objects.create(
            user=actor,
            addressee_id=addressee_id or None,
            district=district,
            tag_id=tag_id or None,
            category=category,
            query=query,
            channels=channels,
            frequency=frequency,
            key=key,
        )
        audit_event_record(
            actor=actor,
            action="news.subscription_created",
            target=subscription,
            key=key,
            channels=channels,
            frequency=frequency,
        )
    return subscription


def _lock_subscription(actor: User, subscription_id: int) -> Subscription:
    subscription = (
        Subscription.objects.select_for_update().filter(pk=subscription_id).first()
        if actor.is_authenticated
        else None
    )
    if subscription is None or not actor.has_perm("news.change_subscription", subscription):
        raise NotFound(_("No such subscription."))
    return subscription


def subscription_update(
    *, actor: User, subscription_id: int, channels: Iterable[str], frequency: str
) -> Subscription:
    """Change how and how often the person is told; the filter itself stays."""
    channels = _channels(list(channels))
    frequency = _frequency(frequency)
    with transaction.atomic():
        subscription = _lock_subscription(actor, subscription_id)
        before: dict[str, Any] = {
            "channels": subscription.channels,
            "frequency": subscription.frequency,
        }
        subscription.channels, subscription.frequency = channels, frequency
        subscription.save(update_fields=["channels", "frequency"])
        audit_event_record(
            actor=actor, action="news.subscription_changed", target=subscription, before=before
        )
    return subscription


def subscription_delete(*, actor: User, subscription_id: int) -> None:
    with transaction.atomic():
        subscription = _lock_subscription(actor, subscription_id)
        audit_event_record(
            actor=actor,
            action="news.subscription_deleted",
            target=subscription,
            key=subscription.key,
        )
        subscription.delete()
