"""Reads of the news: the digest, a post, the office's lists, subscriptions and who a post
is announced to. Lists take a fixed number of queries however many posts there are."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property

from hromada.accounts.rules import is_administrator
from hromada.core.models import AuditEvent, District
from hromada.directory.models import Addressee
from hromada.news.models import (
    Category,
    Channel,
    Frequency,
    Post,
    PostFile,
    PostTag,
    Subscription,
    Tag,
)
from hromada.news.rules import moderator_memberships, writable_addressee_filter
from hromada.news.search import search_filter, words_match

PUBLISHED = Post.State.PUBLISHED
# The digest counts, and pages through, at most this many posts (100 pages of 20): counting
# every post of a large city on every page costs more than the page itself, and nobody pages
# that far; the dates narrow it instead. It bounds the deepest page's OFFSET too.
DIGEST_COUNT_CAP = 2_000


class CappedPaginator(Paginator):
    """A paginator that counts at most ``cap`` rows; ``is_capped`` says there are more."""

    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = DIGEST_COUNT_CAP if cap is None else cap
        self.is_capped = False

    @cached_property
    def count(self) -> int:
        # Only the ids: the joins and columns the page shows are not needed to count. The
        # order stays: it has the database walk the same index as the page, newest first,
        # which stops at the cap (unordered, it may gather every post of a topic first).
        counted = self.object_list.values("pk")[: self.cap + 1].count()
        self.is_capped = counted > self.cap
        return min(counted, self.cap)

    def page(self, number):
        """The page's ids first, ordered and sliced on the narrow (date, id) pairs, then its
        rows with what they show: a deep page or a topic's thousands of posts sort small
        pairs, not whole posts."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count  # the last page ends at the cap
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        # The rows by id alone: the filters (a search above all) are not worked out twice.
        found = self.object_list.model._default_manager.filter(pk__in=ids)
        rows = list(_list_related(found).order_by("-published_at", "-id")) if ids else []
        return self._get_page(rows, number, self)


@dataclass
class DigestFilter:
    """What a person narrowed the digest to; also what a subscription saves (but the dates)."""

    addressee: Addressee | None = None
    category: str = ""
    district: District | None = None
    tag: Tag | None = None
    date_from: date | None = None
    date_to: date | None = None
    query: str = ""

    @property
    def is_empty(self) -> bool:
        return not (
            self.addressee
            or self.category
            or self.district
            or self.tag
            or self.date_from
            or self.date_to
            or self.query
        )

    @property
    def category_label(self) -> str:
        return Category(self.category).label if self.category else ""

    def params(self, *, with_dates: bool = True) -> dict[str, str]:
        """The filter as query parameters of the digest's address (empty ones left out)."""
        values = {
            "addressee": self.addressee.slug if self.addressee else "",
            "category": self.category,
            "district": self.district.slug if self.district else "",
            "tag": self.tag.slug if self.tag else "",
            "q": self.query,
        }
        if with_dates:
            values["from"] = self.date_from.isoformat() if self.date_from else ""
            values["to"] = self.date_to.isoformat() if self.date_to else ""
        return {key: value for key, value in values.items() if value}


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _list_related(posts: QuerySet[Post]) -> QuerySet[Post]:
    images = PostFile.objects.filter(kind=PostFile.Kind.IMAGE).only(
        "pk", "post_id", "alt", "kind", "order", "name", "content_type", "size"
    )
    return (
        posts.select_related("addressee", "district")
        .defer("search_text", "addressee__description", "addressee__search_text")
        .prefetch_related("tags", Prefetch("files", queryset=images, to_attr="images"))
    )


def digest(digest_filter: DigestFilter) -> QuerySet[Post]:
    """Published posts of every addressee, newest first, narrowed by the filter.

    Every word of the query must begin a word of the title, the text or the topics, whatever
    its case and whichever apostrophe (ʼ ' ’) was typed (``hromada.news.search``).
    """
    posts = Post.objects.filter(state=PUBLISHED)
    if digest_filter.addressee is not None:
        posts = posts.filter(addressee=digest_filter.addressee)
    if digest_filter.category:
        posts = posts.filter(category=digest_filter.category)
    if digest_filter.district is not None:
        posts = posts.filter(district=digest_filter.district)
    ordering = ("-published_at", "-id")
    if digest_filter.tag is not None:
        # The topic's links carry the publication time (PostTag): ordered by it, the
        # database walks their (tag, published_at, post) index newest first.
        posts = posts.filter(
            tag_links__tag=digest_filter.tag, tag_links__published_at__isnull=False
        )
        ordering = ("-tag_links__published_at", "-tag_links__post_id")
    if digest_filter.date_from:
        posts = posts.filter(published_at__gte=_day_start(digest_filter.date_from))
    if digest_filter.date_to:
        posts = posts.filter(published_at__lt=_day_start(digest_filter.date_to + timedelta(days=1)))
    posts = search_filter(posts, digest_filter.query)
    return _list_related(posts).order_by(*ordering)


def post_for(user, pk: int) -> Post | None:
    """The post with its files and topics, if ``user`` may see it (else None: not found)."""
    post = (
        Post.objects.select_related("addressee", "district")
        .prefetch_related("tags", "files")
        .filter(pk=pk)
        .first()
    )
    if post is None or not user.has_perm("news.view_post", post):
        return None
    return post


def post_file_for(user, *, post_id: int, file_pk: int) -> PostFile | None:
    """A file is served only while its post may be seen: published, or to its moderators."""
    stored = PostFile.objects.select_related("post").filter(pk=file_pk, post_id=post_id).first()
    if stored is None or not user.has_perm("news.view_post", stored.post):
        return None
    return stored


def addressee_latest(addressee: Addressee, *, limit: int = 5) -> list[Post]:
    posts = Post.objects.filter(state=PUBLISHED, addressee=addressee)
    return list(_list_related(posts).order_by("-published_at", "-id")[:limit])


def addressees_with_posts() -> QuerySet[Addressee]:
    published = Post.objects.filter(addressee=OuterRef("pk"), state=PUBLISHED)
    return (
        Addressee.objects.filter(Exists(published), is_published=True)
        .only("pk", "slug", "name")
        .order_by("name")
    )


def published_addressee(slug: str) -> Addressee | None:
    return Addressee.objects.filter(slug=slug, is_published=True).only("pk", "slug", "name").first()


def tag_by_slug(slug: str) -> Tag | None:
    return Tag.objects.filter(slug=slug).first()


def tags_in_use() -> QuerySet[Tag]:
    # A topic's links carry the publication time while the post is published: one probe of
    # their (tag, published_at, post) index per topic, without reading the posts.
    published = PostTag.objects.filter(tag=OuterRef("pk"), published_at__isnull=False)
    return Tag.objects.filter(Exists(published)).order_by("name")


def district_by_slug(slug: str) -> District | None:
    return District.objects.only("pk", "slug", "name").filter(slug=slug).first()


def districts() -> QuerySet[District]:
    return District.objects.only("pk", "slug", "name").order_by("name")


# --- The office -------------------------------------------------------------------------------


def office_addressees(user) -> QuerySet[Addressee]:
    """The addressees ``user`` may write posts for."""
    if not user.is_authenticated:
        return Addressee.objects.none()
    addressees = Addressee.objects.all()
    if not is_administrator(user):
        addressees = addressees.filter(pk__in=moderator_memberships(user).values("addressee_id"))
    return addressees.only("pk", "slug", "name").order_by("name")


def office_posts(user, *, state: str = "", addressee: Addressee | None = None) -> QuerySet[Post]:
    """Every post ``user`` may write, in any state, most recently changed first."""
    if not user.is_authenticated:
        return Post.objects.none()
    posts = Post.objects.filter(writable_addressee_filter(user))
    if state:
        posts = posts.filter(state=state)
    if addressee is not None:
        posts = posts.filter(addressee=addressee)
    return (
        posts.select_related("addressee", "author", "fan_out")
        .defer("body", "search_text", "addressee__description", "addressee__search_text")
        .order_by("-updated_at", "-id")
    )


# --- Subscriptions ----------------------------------------------------------------------------


def subscriptions_of(user) -> QuerySet[Subscription]:
    if not user.is_authenticated:
        return Subscription.objects.none()
    return (
        Subscription.objects.filter(user=user)
        .select_related("addressee", "district", "tag")
        .only(
            "pk",
            "user_id",
            "category",
            "query",
            "channels",
            "frequency",
            "created_at",
            "addressee__slug",
            "addressee__name",
            "district__slug",
            "district__name",
            "tag__slug",
            "tag__name",
        )
    )


def subscription_for(user, pk: int) -> Subscription | None:
    subscription = subscriptions_of(user).filter(pk=pk).first()
    if subscription is None or not user.has_perm("news.change_subscription", subscription):
        return None
    return subscription


@dataclass(frozen=True)
class Recipient:
    """One person a post is announced to, however many of their subscriptions matched."""

    user_id: int
    channels: tuple[str, ...]
    frequency: str
    subscriptions: tuple[int, ...] = field(default=())


def matching_subscriptions(post: Post, tag_ids: list[int]) -> QuerySet[Subscription]:
    """Subscriptions whose filter fields all fit the post (an empty field fits anything).

    The words of a saved search are checked afterwards, in post_recipients."""
    district = Q(district__isnull=True)
    if post.district_id:
        district |= Q(district_id=post.district_id)
    tag = Q(tag__isnull=True)
    if tag_ids:
        tag |= Q(tag_id__in=tag_ids)
    return Subscription.objects.filter(
        Q(addressee__isnull=True) | Q(addressee_id=post.addressee_id),
        district,
        tag,
        Q(category="") | Q(category=post.category),
        user__is_active=True,
    )


def post_recipients(post: Post, *, chunk_size: int = 5000) -> Iterator[Recipient]:
    """Everyone whose subscriptions match the post, once each, in one streamed query.

    A person with several matching subscriptions is told once, through every channel any of
    them chose, and at once if any of them asked for at once."""
    tag_ids = list(post.tags.values_list("pk", flat=True))
    rows = (
        matching_subscriptions(post, tag_ids)
        .order_by("user_id", "pk")
        .values_list("user_id", "pk", "channels", "frequency", "query")
        .iterator(chunk_size=chunk_size)
    )
    text = post.search_text
    current: int | None = None
    channels: set[str] = set()
    frequency = Frequency.DAILY
    ids: list[int] = []
    for user_id, pk, chosen, how_often, query in rows:
        if query and not words_match(text, query):
            continue
        if user_id != current:
            if current is not None:
                yield Recipient(current, _ordered(channels), frequency, tuple(ids))
            current, channels, frequency, ids = user_id, set(), Frequency.DAILY, []
        channels.update(chosen)
        if how_often == Frequency.IMMEDIATE:
            frequency = Frequency.IMMEDIATE
        ids.append(pk)
    if current is not None:
        yield Recipient(current, _ordered(channels), frequency, tuple(ids))


def _ordered(channels: set[str]) -> tuple[str, ...]:
    return tuple(code for code in Channel.values if code in channels)


def post_history(post: Post) -> QuerySet[AuditEvent]:
    """The post's audit trail, oldest first: who wrote, changed, published it and when."""
    return (
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(Post), target_id=str(post.pk)
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
