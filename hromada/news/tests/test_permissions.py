"""Four people for every action on a post and on a subscription: anonymous, another
resident, staff without the right (an executor of the same addressee, a moderator of another),
and the one with it. A refusal changes nothing."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory
from hromada.core.errors import NotFound, PermissionDenied
from hromada.core.models import AuditEvent
from hromada.directory.tests.factories import AddresseeFactory
from hromada.news import services
from hromada.news.models import Post, Subscription
from hromada.news.tests.factories import make_post, moderator_of, subscribe

pytestmark = pytest.mark.django_db
WHO = ["anonymous", "another resident", "staff without the right", "the moderator"]


@pytest.fixture
def people(addressee, moderator):
    return {
        "anonymous": AnonymousUser(),
        "another resident": UserFactory(),
        # A member of the same addressee's staff, but neither moderator nor responsible.
        "staff without the right": moderator_of(addressee, roles=(Role.EXECUTOR,)),
        "the moderator": moderator,
    }


def post_state(post):
    row = Post.objects.get(pk=post.pk)
    events = AuditEvent.objects.filter(action__startswith="news.post").count()
    return (row.state, row.title, row.publish_at, row.files.count(), events)


LATER = timezone.now() + timedelta(days=3)
POST_ACTIONS = {
    "update": lambda user, p: services.post_update(
        actor=user, post_id=p.pk, category="news", title="Змінено", body="Текст"
    ),
    "publish": lambda user, p: services.post_publish(actor=user, post_id=p.pk),
    "schedule": lambda user, p: services.post_schedule(actor=user, post_id=p.pk, publish_at=LATER),
    "unpublish": lambda user, p: services.post_unpublish(actor=user, post_id=p.pk),
}
STARTING_STATE = {
    "update": Post.State.PUBLISHED,
    "publish": Post.State.DRAFT,
    "schedule": Post.State.DRAFT,
    "unpublish": Post.State.PUBLISHED,
}


@pytest.mark.parametrize("action", POST_ACTIONS)
@pytest.mark.parametrize("who", WHO)
def test_every_action_on_a_post_for_four_people(addressee, people, action, who):
    post = make_post(addressee=addressee, state=STARTING_STATE[action])
    before = post_state(post)
    user = people[who]
    if who == "the moderator":
        POST_ACTIONS[action](user, post)
        assert post_state(post) != before
        return
    with pytest.raises((NotFound, PermissionDenied)):
        POST_ACTIONS[action](user, post)
    assert post_state(post) == before


@pytest.mark.parametrize("who", WHO)
def test_writing_a_post_for_four_people(addressee, people, who):
    def create():
        return services.post_create(
            actor=people[who],
            addressee_id=addressee.pk,
            category="news",
            title="Новина",
            body="Текст",
            publish=True,
        )

    if who == "the moderator":
        assert create().state == Post.State.PUBLISHED
        return
    with pytest.raises(PermissionDenied):
        create()
    assert not Post.objects.exists()


def test_a_moderator_of_another_addressee_and_the_responsible_one(addressee):
    post = make_post(addressee=addressee)
    stranger = moderator_of(AddresseeFactory())
    with pytest.raises(PermissionDenied):
        services.post_unpublish(actor=stranger, post_id=post.pk)
    # Responsible for the addressee, whatever the role: may moderate it.
    responsible = moderator_of(addressee, roles=(Role.EXECUTOR,), responsible=True)
    services.post_unpublish(actor=responsible, post_id=post.pk)
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    services.post_publish(actor=admin, post_id=post.pk)
    assert Post.objects.get(pk=post.pk).state == Post.State.PUBLISHED


@pytest.mark.parametrize("who", WHO)
def test_a_draft_is_seen_only_by_its_moderators(addressee, people, who):
    post = make_post(addressee=addressee, state=Post.State.DRAFT)
    client = Client()
    if who != "anonymous":
        client.force_login(people[who])
    expected = 200 if who == "the moderator" else 404
    assert client.get(post.get_absolute_url()).status_code == expected
    assert client.get(f"/api/v1/news/posts/{post.pk}").status_code == expected


@pytest.mark.parametrize("who", WHO)
def test_the_office_pages_for_four_people(addressee, people, who):
    post = make_post(addressee=addressee, state=Post.State.DRAFT)
    client = Client()
    if who != "anonymous":
        client.force_login(people[who])
    pages = ["/office/news/", "/office/news/new/", f"/office/news/{post.pk}/"]
    codes = [client.get(page).status_code for page in pages]
    response = client.post(f"/office/news/{post.pk}/publish/")
    if who == "the moderator":
        assert codes == [200, 200, 200]
        assert Post.objects.get(pk=post.pk).state == Post.State.PUBLISHED
        return
    assert codes == ([302, 302, 302] if who == "anonymous" else [403, 403, 403])
    assert response.status_code in (302, 403)
    assert Post.objects.get(pk=post.pk).state == Post.State.DRAFT


SUBSCRIPTION_ACTIONS = {
    "update": lambda user, s: services.subscription_update(
        actor=user, subscription_id=s.pk, channels=["email"], frequency="daily"
    ),
    "delete": lambda user, s: services.subscription_delete(actor=user, subscription_id=s.pk),
}


@pytest.mark.parametrize("action", SUBSCRIPTION_ACTIONS)
@pytest.mark.parametrize("who", [*WHO[:3], "the subscriber"])
def test_every_action_on_a_subscription_for_four_people(addressee, people, action, who):
    owner = UserFactory()
    subscription = subscribe(owner, addressee=addressee)
    people = {**people, "the subscriber": owner}

    def snapshot():
        return list(Subscription.objects.values_list("pk", "channels", "frequency"))

    before = snapshot()
    if who == "the subscriber":
        SUBSCRIPTION_ACTIONS[action](owner, subscription)
        assert snapshot() != before
        return
    with pytest.raises(NotFound):
        SUBSCRIPTION_ACTIONS[action](people[who], subscription)
    assert snapshot() == before
    client = Client()
    if who != "anonymous":
        client.force_login(people[who])
    assert client.get(f"/news/subscriptions/{subscription.pk}/").status_code in (302, 404)
    assert client.post(f"/news/subscriptions/{subscription.pk}/delete/").status_code in (
        302,
        404,
    )
    api = client.delete(f"/api/v1/news/subscriptions/{subscription.pk}")
    assert api.status_code == (401 if who == "anonymous" else 404)
    assert snapshot() == before
