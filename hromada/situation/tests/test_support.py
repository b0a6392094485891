"""Supporting a public report: once per person, counted, and refused cleanly otherwise.

Four people for the action: anonymous, another resident (allowed), staff without any right
over the report, and the appeals department's operator (allowed as a resident is: support is
a resident's act). The author's own support and a private report are refused too.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory
from hromada.appeals.models import Appeal
from hromada.appeals.tests.factories import staff_of
from hromada.core.errors import Conflict, NotFound, PermissionDenied
from hromada.directory.tests.factories import AddresseeFactory
from hromada.situation import services
from hromada.situation.models import AppealFact, Support
from hromada.situation.tests.factories import report, signed_in

pytestmark = pytest.mark.django_db


def state(appeal):
    return (
        Appeal.objects.get(pk=appeal.pk).support_count,
        AppealFact.objects.get(pk=appeal.pk).support_count,
        Support.objects.filter(appeal=appeal).count(),
    )


PEOPLE = {
    "anonymous": lambda: AnonymousUser(),
    "another resident": lambda: UserFactory(),
    "staff without the right": lambda: staff_of(AddresseeFactory()),
    "operator": lambda: UserFactory(roles=[Role.OPERATOR]),
}
REFUSED = {"anonymous": PermissionDenied}


@pytest.mark.parametrize("who", PEOPLE)
def test_support_for_four_people(centre, who):
    appeal = report()
    user = PEOPLE[who]()
    if who in REFUSED:
        with pytest.raises(REFUSED[who]):
            services.support_add(actor=user, appeal_id=appeal.pk)
        assert state(appeal) == (0, 0, 0)
        return
    services.support_add(actor=user, appeal_id=appeal.pk)
    assert state(appeal) == (1, 1, 1)
    # A second support from the same person: a clear refusal, nothing counted twice.
    with pytest.raises(Conflict) as refused:
        services.support_add(actor=user, appeal_id=appeal.pk)
    assert refused.value.code == "already_supported"
    assert state(appeal) == (1, 1, 1)


def test_the_author_and_a_private_report_are_refused(centre):
    author = UserFactory()
    appeal = report(author)
    with pytest.raises(PermissionDenied):
        services.support_add(actor=author, appeal_id=appeal.pk)
    assert state(appeal) == (0, 0, 0)
    private = report(is_public=False)
    with pytest.raises(NotFound):
        services.support_add(actor=UserFactory(), appeal_id=private.pk)
    assert state(private) == (0, 0, 0)


def test_withdrawing_gives_the_support_back(centre):
    appeal = report()
    user = UserFactory()
    services.support_add(actor=user, appeal_id=appeal.pk)
    services.support_withdraw(actor=user, appeal_id=appeal.pk)
    assert state(appeal) == (0, 0, 0)
    with pytest.raises(Conflict):
        services.support_withdraw(actor=user, appeal_id=appeal.pk)
    assert state(appeal) == (0, 0, 0)


def test_the_api_counts_once_and_answers_409_the_second_time(centre):
    appeal = report()
    client = Client()
    url = f"/api/v1/situation/reports/{appeal.pk}/support"
    assert client.post(url).status_code == 401
    client.force_login(UserFactory())
    first = client.post(url)
    assert first.status_code == 201 and first.json()["supporters"] == 1
    second = client.post(url)
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "already_supported"
    assert state(appeal) == (1, 1, 1)
    assert client.delete(url).json() == {"report": appeal.pk, "supporters": 0, "supported": False}


def test_the_page_supports_and_says_so_the_second_time(centre):
    appeal = report()
    client = Client()
    url = f"/en/map/reports/{appeal.pk}/support/"
    assert client.post(url)["Location"].startswith("/en/accounts/login/")
    client.force_login(UserFactory())
    response = client.post(url, follow=True)
    assert "your support is counted" in response.content.decode()
    response = client.post(url, follow=True)
    assert "You already support this report." in response.content.decode()
    assert state(appeal) == (1, 1, 1)


def test_supporters_raise_the_priority_in_the_operators_list(centre):
    quiet = report(subject="Тихий звіт")
    loud = report(subject="Підтриманий звіт")
    for _ in range(3):
        services.support_add(actor=UserFactory(), appeal_id=loud.pk)
    operator = UserFactory(roles=[Role.OPERATOR])
    page = signed_in(operator).get("/en/map/reports/?sort=support").content.decode()
    assert page.index("Підтриманий звіт") < page.index("Тихий звіт")
    assert "3 supporters" in page
    assert quiet.pk
