"""No N+1: the lists and the appeal's pages cost the same number of queries for 2 appeals
as for 20, however rich each appeal is (files, answers, signers, events)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hromada.accounts.tests.factories import UserFactory, log_in_with_totp
from hromada.appeals import services
from hromada.appeals.tests.factories import pdf, submit

pytestmark = pytest.mark.django_db


def rich_appeals(count, *, author, addressee, head):
    appeals = []
    for _ in range(count):
        appeal = submit(
            author, addressee=addressee, files=[pdf()], co_signers=[UserFactory().email]
        )
        services.appeal_answer(appeal_id=appeal.pk, actor=head, text="Відповідь")
        appeals.append(appeal)
    return appeals


def queries_for(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "path",
    [
        "/office/appeals/?queue=all",
        "/office/appeals/?queue=addressee",
        "/office/appeals/?queue=all&q=ліхтар",
        "/office/appeals/?queue=all&sort=support",
        "/api/v1/appeals/queues/all",
    ],
)
def test_staff_lists_do_not_grow_with_the_appeals(path, addressee, head):
    author = UserFactory()
    client = Client()
    log_in_with_totp(client, head)
    rich_appeals(2, author=author, addressee=addressee, head=head)
    few = queries_for(client, path)
    rich_appeals(18, author=author, addressee=addressee, head=head)
    assert queries_for(client, path) == few


@pytest.mark.parametrize("path", ["/appeals/", "/api/v1/appeals/mine"])
def test_the_citizens_list_does_not_grow_with_the_appeals(path, addressee, head):
    author = UserFactory()
    client = Client()
    client.force_login(author)
    rich_appeals(2, author=author, addressee=addressee, head=head)
    few = queries_for(client, path)
    rich_appeals(18, author=author, addressee=addressee, head=head)
    assert queries_for(client, path) == few


def test_an_appeals_pages_do_not_grow_with_its_history(addressee, head, operator):
    author = UserFactory()
    [appeal] = rich_appeals(1, author=author, addressee=addressee, head=head)
    staff, citizen = Client(), Client()
    log_in_with_totp(staff, head)
    citizen.force_login(author)
    paths = {
        staff: [f"/office/appeals/{appeal.pk}/", f"/api/v1/appeals/{appeal.pk}/timeline"],
        citizen: [f"/appeals/{appeal.pk}/", f"/api/v1/appeals/{appeal.pk}"],
    }
    before = {(c, p): queries_for(c, p) for c, ps in paths.items() for p in ps}
    for _ in range(10):
        services.appeal_comment(appeal_id=appeal.pk, actor=head, comment="Нотатка")
        services.appeal_call_back(appeal_id=appeal.pk, actor=operator, outcome="no_answer")
    services.appeal_reopen(appeal_id=appeal.pk, actor=author, reason="Ні")
    services.appeal_answer(
        appeal_id=appeal.pk, actor=head, text="Друга відповідь", files=[pdf(), pdf()]
    )
    after = {(c, p): queries_for(c, p) for c, ps in paths.items() for p in ps}
    assert after == before
