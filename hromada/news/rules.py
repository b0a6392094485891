"""Who may write posts and who may read them.

An addressee's posts are written by its moderators: members of its staff who are marked
responsible for it, or who hold the moderator role; administrators may write for any
addressee. Published posts are public; a draft, scheduled or unpublished post is seen only by
those who may write it.
"""

import rules
from django.db.models import Q

from hromada.accounts.roles import Role
from hromada.accounts.rules import is_administrator
from hromada.directory.models import Membership


def moderator_memberships(user):
    """The memberships that make ``user`` a moderator of an addressee."""
    memberships = Membership.objects.filter(user=user)
    if Role.MODERATOR in user.roles:
        return memberships
    return memberships.filter(is_responsible=True)


def _addressee_id(obj) -> int | None:
    """``obj`` is a post (its addressee) or an addressee."""
    return getattr(obj, "addressee_id", None) or getattr(obj, "pk", None)


@rules.predicate
def is_addressee_moderator(user, obj) -> bool:
    if obj is None or not user.is_authenticated or not user.is_active:
        return False
    addressee_id = _addressee_id(obj)
    return moderator_memberships(user).filter(addressee_id=addressee_id).exists()


@rules.predicate
def moderates_any_addressee(user) -> bool:
    return bool(user.is_authenticated and user.is_active and moderator_memberships(user).exists())


@rules.predicate
def is_published(user, post) -> bool:
    return post is not None and post.state == "published"


@rules.predicate
def is_subscriber(user, subscription) -> bool:
    return bool(
        subscription is not None and user.is_authenticated and subscription.user_id == user.pk
    )


may_write = is_addressee_moderator | is_administrator

rules.add_perm("news.view_post", is_published | may_write)
# Write, edit, publish, schedule, unpublish; ``obj`` is the post or its addressee.
rules.add_perm("news.write_post", may_write)
rules.add_perm("news.use_office", moderates_any_addressee | is_administrator)
rules.add_perm("news.change_subscription", is_subscriber)


def writable_addressee_filter(user) -> Q:
    """Which addressees' posts ``user`` may write, as a filter on Post or on Addressee ids."""
    if is_administrator(user):
        return Q()
    ids = moderator_memberships(user).values("addressee_id")
    return Q(addressee_id__in=ids)
