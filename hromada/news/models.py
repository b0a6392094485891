"""The city notifications centre: posts of addressees, the digest, and subscriptions to it."""

from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    NOTICE = "notice", _("Notice")
    NEWS = "news", _("News")
    ANNOUNCEMENT = "announcement", _("Announcement")


class Tag(models.Model):
    """A topic (ремонт доріг, тепло, вибори…); residents subscribe to topics."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("code"), max_length=80, unique=True, allow_unicode=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """One post of an addressee: a notice, a news item or an announcement.

    Draft → scheduled (publish_at in the future) → published ⇄ unpublished. Only a published
    post is public; its files are served only then.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    addressee = models.ForeignKey(
        "directory.Addressee",
        verbose_name=_("addressee"),
        on_delete=models.PROTECT,
        related_name="posts",
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    district = models.ForeignKey(
        "core.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts",
        help_text=_("Leave empty when the post concerns the whole community."),
    )
    tags = models.ManyToManyField(
        Tag, verbose_name=_("topics"), blank=True, related_name="posts", through="PostTag"
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    # Lower-cased title, text and topics with one kind of apostrophe, kept by the services.
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-published_at", "-id"]
        indexes = [
            # The digest: published posts newest first, alone or narrowed by one field. The
            # state is a column of each index (not a partial index's condition), so SQLite,
            # which cannot match a bound parameter to a partial index, uses them too.
            models.Index(fields=["state", "-published_at", "-id"], name="news_post_digest"),
            models.Index(
                fields=["addressee", "state", "-published_at", "-id"],
                name="news_post_by_addressee",
            ),
            models.Index(
                fields=["category", "state", "-published_at", "-id"],
                name="news_post_by_category",
            ),
            models.Index(
                fields=["district", "state", "-published_at", "-id"],
                name="news_post_by_district",
            ),
            # The scheduler's look-up of due posts.
            models.Index(fields=["state", "publish_at"], name="news_post_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="news_published_post_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="scheduled") | Q(publish_at__isnull=False),
                name="news_scheduled_post_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:post", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        return self.state == self.State.PUBLISHED


class PostTag(models.Model):
    """A post's topic, with the post's publication time while it is published (else empty).

    The time is copied by database triggers (migration 0004) whenever a topic is added or the
    post's state or time changes, so a topic's page of the digest walks one index,
    (tag, published_at, post), newest first, and stops at the page, without reading or
    sorting every post of the topic."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="tag_links")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="post_links")
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        db_table = "news_post_tags"
        verbose_name = _("topic of a post")
        verbose_name_plural = _("topics of posts")
        unique_together = [("post", "tag")]
        indexes = [
            models.Index(fields=["tag", "-published_at", "-post"], name="news_posttag_digest")
        ]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.tag_id}"


class PostFile(models.Model):
    """A picture shown in the post or a document attached to it, judged by its content.

    Kept in private storage and served by a view that checks the post is published (or that
    the person may moderate it)."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Picture")
        ATTACHMENT = "attachment", _("Attachment")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="news/", max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField(_("size"))
    alt = models.CharField(
        _("description of the picture"),
        max_length=300,
        blank=True,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["kind", "order", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("news:file", kwargs={"pk": self.post_id, "file_pk": self.pk})


class FanOut(models.Model):
    """The one hand-over of a published post to its subscribers: who matched, and when.

    A post is announced once (the first publication); the unique post makes a second
    publication after unpublishing, or a retried task, find the row and stop."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="fan_out")
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    immediate = models.PositiveIntegerField(_("to send at once"), default=0)
    daily = models.PositiveIntegerField(_("for the daily digest"), default=0)
    channels = models.JSONField(_("recipients per channel"), default=dict, blank=True)

    class Meta:
        verbose_name = _("announcement to subscribers")
        verbose_name_plural = _("announcements to subscribers")

    def __str__(self) -> str:
        return f"{self.post_id}: {self.recipients}"


class Channel(models.TextChoices):
    """Codes the messaging app delivers through."""

    INBOX = "inbox", _("Inbox on the site")
    EMAIL = "email", _("E-mail")
    TELEGRAM = "telegram", _("Telegram")
    WEBPUSH = "webpush", _("Browser notifications")


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("At once")
    DAILY = "daily", _("Once a day, in a digest")


class Subscription(models.Model):
    """A resident follows posts: a saved digest filter. Empty fields match anything, so one
    row says "this addressee", "this district", "this topic" or any mix of them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="news_subscriptions"
    )
    addressee = models.ForeignKey(
        "directory.Addressee",
        verbose_name=_("addressee"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    district = models.ForeignKey(
        "core.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    tag = models.ForeignKey(
        Tag,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, blank=True)
    query = models.CharField(
        _("words"), max_length=200, blank=True, help_text=_("Every word must occur in the post.")
    )
    channels = models.JSONField(_("channels"), default=list)
    frequency = models.CharField(
        _("how often"), max_length=16, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    # The filter in one string, so that "the same subscription twice" is a unique constraint
    # (NULLs in a unique constraint are distinct on every database).
    key = models.CharField(max_length=300, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="news_subscription_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.key}"

    @property
    def category_label(self) -> str:
        return Category(self.category).label if self.category else ""

    @property
    def channel_labels(self) -> list[str]:
        return [str(Channel(code).label) for code in self.channels if code in Channel.values]

    @property
    def digest_query(self) -> str:
        """The digest's address parameters that show what this subscription follows."""
        params = {
            "addressee": self.addressee.slug if self.addressee_id else "",
            "category": self.category,
            "district": self.district.slug if self.district_id else "",
            "tag": self.tag.slug if self.tag_id else "",
            "q": self.query,
        }
        return urlencode({key: value for key, value in params.items() if value})
