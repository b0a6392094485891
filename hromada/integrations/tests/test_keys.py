"""Issuing and revoking keys: administrators only (four users), hashed, shown once in the
admin, and a revoked key refused by the very next request."""

import pytest
from django.test import Client

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory
from hromada.core.errors import PermissionDenied
from hromada.core.models import AuditEvent
from hromada.integrations import keys
from hromada.integrations.models import ApiKey, Scope
from hromada.integrations.services import api_key_issue, api_key_revoke
from hromada.integrations.tests.factories import PartnerFactory, api_key, open311_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    return {
        "citizen": UserFactory(),
        "operator": UserFactory(roles=[Role.OPERATOR]),
        "admin": UserFactory(roles=[Role.ADMINISTRATOR]),
    }


def test_only_administrators_issue_keys(users):
    from django.contrib.auth.models import AnonymousUser

    partner = PartnerFactory()
    for actor in (AnonymousUser(), users["citizen"], users["operator"]):
        with pytest.raises(PermissionDenied):
            api_key_issue(actor=actor, name="x", scope=Scope.OPEN311, partner=partner)
    assert not ApiKey.objects.exists()
    key, plain = api_key_issue(
        actor=users["admin"], name="Застосунок", scope=Scope.OPEN311, partner=partner
    )
    assert key.created_by == users["admin"] and key.rate_limit == 60
    assert key.secret_hash == keys.key_hash(plain) and plain.startswith(f"hrm_{key.prefix}_")
    assert AuditEvent.objects.filter(action="integrations.api_key_issued").count() == 1


def test_only_administrators_revoke_keys(users):
    from django.contrib.auth.models import AnonymousUser

    key, _plain = open311_key()
    for actor in (AnonymousUser(), users["citizen"], users["operator"]):
        with pytest.raises(PermissionDenied):
            api_key_revoke(actor=actor, key_id=key.pk)
        key.refresh_from_db()
        assert key.revoked_at is None
    api_key_revoke(actor=users["admin"], key_id=key.pk)
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_a_keys_owner_must_fit_its_scope(users):
    from hromada.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        api_key_issue(actor=users["admin"], name="x", scope=Scope.OPEN311)
    with pytest.raises(ValidationFailed):
        api_key_issue(actor=users["admin"], name="x", scope=Scope.API, partner=PartnerFactory())
    with pytest.raises(ValidationFailed):
        api_key_issue(
            actor=users["admin"], name="x", scope=Scope.API, user=users["citizen"], rate_limit=0
        )
    assert not ApiKey.objects.exists()


def test_the_admin_shows_a_new_key_once(settings, users):
    settings.STAFF_MFA_REQUIRED = False
    partner = PartnerFactory()
    client = Client()
    client.force_login(users["admin"])
    response = client.post(
        "/admin/integrations/apikey/add/",
        {"name": "Партнер", "partner": partner.pk, "scope": "open311", "rate_limit": 30},
        follow=True,
    )
    assert response.status_code == 200
    key = ApiKey.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    plain = next(m for m in shown if "hrm_" in m).split("<code>")[1].split("</code>")[0]
    assert keys.matches(plain, key.secret_hash) and key.rate_limit == 30
    # Never again: the key's page and the list show the prefix only.
    for page in (f"/admin/integrations/apikey/{key.pk}/change/", "/admin/integrations/apikey/"):
        body = client.get(page).content.decode()
        assert key.prefix in body and plain not in body


def test_the_admin_revokes_keys(settings, users):
    settings.STAFF_MFA_REQUIRED = False
    key, _plain = open311_key()
    client = Client()
    client.force_login(users["admin"])
    client.post(
        "/admin/integrations/apikey/",
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_the_admin_of_keys_is_for_administrators_only(settings, users):
    settings.STAFF_MFA_REQUIRED = False
    client = Client()
    client.force_login(users["operator"])
    assert client.get("/admin/integrations/apikey/").status_code in (302, 403)


def test_a_revoked_key_is_refused_by_the_next_request(client, users):
    appeal_reader, plain = api_key(users["citizen"])
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/appeals/mine", headers=headers).status_code == 200
    api_key_revoke(actor=users["admin"], key_id=appeal_reader.pk)
    response = client.get("/api/v1/appeals/mine", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_key_of_an_account_that_became_staff_stops_working(client, users):
    _key, plain = api_key(users["citizen"])
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/appeals/mine", headers=headers).status_code == 200
    users["citizen"].is_staff = True
    users["citizen"].save()
    assert client.get("/api/v1/appeals/mine", headers=headers).status_code == 401
