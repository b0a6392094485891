"""Every object action, tried by every kind of user; refused actions change nothing."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import AnonymousUser

from hromada.accounts.models import User
from hromada.accounts.roles import Role
from hromada.accounts.services import user_profile_update, user_set_roles
from hromada.accounts.tests.factories import UserFactory, log_in_with_totp
from hromada.core.errors import PermissionDenied, ValidationFailed
from hromada.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PEOPLE = ["anonymous", "citizen", "operator", "executor", "moderator", "administrator"]


@pytest.fixture
def people():
    cast = {"anonymous": AnonymousUser(), "citizen": UserFactory()}
    for role in Role:
        cast[role.value] = UserFactory(roles=[role.value])
    cast["target"] = UserFactory(last_name="Ціль")
    return cast


# permission -> who holds it over another person's account ("target")
EXPECTED = {
    "accounts.view_profile": {"operator", "administrator"},
    "accounts.change_profile": set(),
    "accounts.assign_roles": {"administrator"},
    "core.access_back_office": {"operator", "executor", "moderator", "administrator"},
    "core.view_audit_log": {"administrator"},
}


@pytest.mark.parametrize("permission", sorted(EXPECTED))
@pytest.mark.parametrize("who", PEOPLE)
def test_permission_matrix(people, permission, who):
    allowed = people[who].has_perm(permission, people["target"])
    assert allowed == (who in EXPECTED[permission])


def test_a_person_may_view_and_change_their_own_profile(people):
    citizen = people["citizen"]
    assert citizen.has_perm("accounts.view_profile", citizen)
    assert citizen.has_perm("accounts.change_profile", citizen)


def test_a_deactivated_member_of_staff_loses_every_right(people):
    operator = people["operator"]
    operator.is_active = False
    assert not operator.has_perm("accounts.view_profile", people["target"])
    assert not operator.has_perm("core.access_back_office")


@pytest.mark.parametrize("who", ["citizen", "operator", "administrator"])
def test_nobody_changes_another_persons_profile(people, who):
    target = people["target"]
    with pytest.raises(PermissionDenied):
        user_profile_update(user=target, actor=people[who], last_name="Підміна")
    target.refresh_from_db()
    assert target.last_name == "Ціль"
    assert not AuditEvent.objects.filter(action="user.profile_updated").exists()


def test_the_owner_changes_their_profile_and_it_is_audited(people):
    target = people["target"]
    user_profile_update(user=target, actor=target, last_name="Нова", postal_address="вул. Нова, 2")
    target.refresh_from_db()
    assert (target.last_name, target.postal_address) == ("Нова", "вул. Нова, 2")
    event = AuditEvent.objects.get(action="user.profile_updated")
    assert event.actor == target and event.target == target
    assert event.payload == {"fields": ["last_name", "postal_address"]}


def test_an_invalid_value_through_the_service_is_refused_and_nothing_changes(people):
    target = people["target"]
    with pytest.raises(ValidationFailed) as refusal:
        user_profile_update(user=target, actor=target, last_name="Я" * 101, first_name="Ок")
    assert refusal.value.field == "last_name"
    target.refresh_from_db()
    assert (target.last_name, target.first_name) == ("Ціль", "Оксана")


@pytest.mark.parametrize("who", ["anonymous", "citizen", "operator", "executor", "moderator"])
def test_only_an_administrator_assigns_roles(people, who):
    target = people["target"]
    with pytest.raises(PermissionDenied):
        user_set_roles(user=target, roles=[Role.OPERATOR], actor=people[who])
    target = User.objects.get(pk=target.pk)
    assert target.roles == frozenset() and not target.is_staff
    assert not AuditEvent.objects.filter(action="user.roles_changed", target_id=target.pk).exists()


def test_an_administrator_assigns_roles_and_staff_status_follows(people):
    target = people["target"]
    user_set_roles(user=target, roles=[Role.OPERATOR, Role.EXECUTOR], actor=people["administrator"])
    target = User.objects.get(pk=target.pk)
    assert target.roles == {"operator", "executor"}
    assert target.is_staff and not target.is_superuser
    event = AuditEvent.objects.get(action="user.roles_changed", target_id=target.pk)
    assert event.payload == {"added": ["executor", "operator"], "removed": []}

    user_set_roles(user=target, roles=[], actor=people["administrator"])
    target = User.objects.get(pk=target.pk)
    assert target.roles == frozenset() and not target.is_staff


def test_unknown_roles_and_self_demotion_are_refused(people):
    admin = people["administrator"]
    with pytest.raises(ValidationFailed):
        user_set_roles(user=people["target"], roles=["mayor"], actor=admin)
    with pytest.raises(ValidationFailed):
        user_set_roles(user=admin, roles=[Role.OPERATOR], actor=admin)
    assert User.objects.get(pk=admin.pk).roles == {"administrator"}


def test_administrators_are_not_superusers_so_object_rules_bind_them(people):
    admin = people["administrator"]
    assert not admin.is_superuser
    assert admin.has_perm("accounts.change_user")  # the whole admin is theirs
    assert not admin.has_perm("accounts.change_profile", people["target"])


class TestStaffMustUseTwoFactor:
    def test_staff_without_totp_are_sent_to_set_it_up(self, client):
        client.force_login(UserFactory(roles=[Role.EXECUTOR]))
        response = client.get("/cabinet/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/2fa/totp/activate/?next=/cabinet/"
        assert client.get("/admin/").status_code == 302
        # Setting up TOTP asks for the password again first; that page must stay reachable.
        setup = client.get("/accounts/2fa/totp/activate/")
        assert setup["Location"].startswith("/accounts/reauthenticate/")
        assert client.get(setup["Location"]).status_code == 200

    def test_staff_without_totp_are_refused_by_the_api(self, client):
        client.force_login(UserFactory(roles=[Role.OPERATOR]))
        response = client.get("/api/v1/accounts/me")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "two_factor_required"

    def test_staff_who_logged_in_with_their_code_work_normally(self, client):
        log_in_with_totp(client, UserFactory(roles=[Role.OPERATOR]))
        assert client.get("/cabinet/").status_code == 200
        assert client.get("/admin/").status_code == 200

    def test_a_session_that_skipped_the_code_must_confirm_it(self, client):
        # E.g. a password-only log-in by any other path: having an authenticator is not enough.
        operator = UserFactory(roles=[Role.OPERATOR])
        TOTP.activate(operator, generate_totp_secret())
        client.force_login(operator)
        response = client.get("/admin/")
        assert response["Location"] == "/accounts/2fa/reauthenticate/?next=/admin/"
        assert client.get("/api/v1/accounts/me").json()["error"]["code"] == "two_factor_required"

    def test_the_admin_log_in_form_is_the_sites_own(self, client):
        response = client.get("/admin/login/?next=/admin/accounts/user/")
        assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Faccounts%2Fuser%2F"
        evil = client.get("/admin/login/?next=https://evil.example/")
        assert evil["Location"] == "/accounts/login/?next=%2Fadmin%2F"
        # Posting a password to the old admin form logs nobody in.
        operator = UserFactory(roles=[Role.OPERATOR])
        client.post("/admin/login/", {"username": operator.email, "password": "x"})
        assert "_auth_user_id" not in client.session

    def test_residents_are_not_asked(self, client):
        client.force_login(UserFactory())
        assert client.get("/cabinet/").status_code == 200

    def test_the_rule_can_be_switched_off_by_the_installation(self, client, settings):
        settings.STAFF_MFA_REQUIRED = False
        client.force_login(UserFactory(roles=[Role.MODERATOR]))
        assert client.get("/cabinet/").status_code == 200


def test_a_secret_that_cannot_be_decrypted_fails_the_code_not_the_page(client):
    from allauth.mfa.models import Authenticator

    operator = UserFactory(roles=[Role.OPERATOR])
    # As if stored under another key (or before encryption): the person is told the code
    # is wrong instead of getting an error page.
    Authenticator.objects.create(
        user=operator, type=Authenticator.Type.TOTP, data={"secret": "not-a-fernet-token"}
    )
    client.post(
        "/accounts/login/", {"login": operator.email, "password": "correct-horse-battery-42"}
    )
    response = client.post("/accounts/2fa/authenticate/", {"code": "123456"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
