import pytest
from django.test import Client

from hromada.accounts.models import User
from hromada.accounts.roles import Role
from hromada.accounts.selectors import profile_is_complete, profile_missing_fields
from hromada.accounts.tests.factories import UserFactory, log_in_with_totp

pytestmark = pytest.mark.django_db

PROFILE = "/cabinet/profile/"
FILLED = {
    "last_name": "Українка",
    "first_name": "Леся",
    "patronymic": "Петрівна",
    "postal_address": "вул. Лесі Українки, 5, кв. 2, м. Новоярськ",
    "phone": "+380 50 123 45 67",
}


@pytest.fixture
def newcomer():
    return UserFactory(last_name="", first_name="Леся", patronymic="", postal_address="", phone="")


def test_the_profile_says_what_the_law_still_needs(newcomer):
    # The phone is welcome but not required: the law asks for an e-mail or another contact.
    assert [name for name, _ in profile_missing_fields(newcomer)] == [
        "last_name",
        "patronymic",
        "postal_address",
    ]
    assert not profile_is_complete(newcomer)
    assert profile_is_complete(UserFactory())


def test_the_cabinet_lists_the_missing_details_in_ukrainian(client, newcomer):
    client.force_login(newcomer)
    html = client.get("/cabinet/").content.decode()
    assert "Прізвище" in html and "Поштова адреса" in html
    assert "Ім" not in html.split("profile-status-title")[1].split("</section>")[0]


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.get(PROFILE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post(PROFILE, FILLED).status_code == 302
    assert client.get("/api/v1/accounts/me").status_code == 401


def test_filling_the_profile_completes_it(client, newcomer):
    client.force_login(newcomer)
    response = client.post(PROFILE, FILLED, follow=True)
    assert response.redirect_chain == [(PROFILE, 302)]
    newcomer.refresh_from_db()
    assert profile_is_complete(newcomer)
    assert newcomer.phone.as_e164 == "+380501234567"
    html = response.content.decode()
    assert "Анкету збережено" in html or "збережено" in html


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("phone", "0501", "номер телефону"),
        ("last_name", "Я" * 101, "не більше ніж 100"),
        ("postal_address", "а" * 301, "не більше ніж 300"),
    ],
)
def test_bad_input_on_the_profile_is_explained_and_nothing_is_saved(
    client, newcomer, field, value, fragment
):
    client.force_login(newcomer)
    response = client.post(PROFILE, {**FILLED, field: value})
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(fragment in e for e in errors), errors
    html = response.content.decode()
    assert f'aria-describedby="id_{field}_error"' in html or f"id_{field}_error" in html
    stored = User.objects.get(pk=newcomer.pk)
    assert (stored.last_name, stored.postal_address, str(stored.phone)) == ("", "", "")


class TestApi:
    def test_me_returns_the_profile_and_what_is_missing(self, client, newcomer):
        client.force_login(newcomer)
        body = client.get("/api/v1/accounts/me").json()
        assert body["email"] == newcomer.email and body["roles"] == []
        assert body["missing_for_appeal"] == ["last_name", "patronymic", "postal_address"]

    def test_patch_changes_only_what_is_sent(self, client, newcomer):
        client.force_login(newcomer)
        response = client.patch(
            "/api/v1/accounts/me",
            {"last_name": "Косач", "phone": "050 123 45 67"},
            content_type="application/json",
        )
        assert response.status_code == 200
        assert response.json()["phone"] == "+380501234567"
        newcomer.refresh_from_db()
        assert (newcomer.last_name, newcomer.first_name) == ("Косач", "Леся")

    @pytest.mark.parametrize(
        "payload",
        [{"phone": "12"}, {"last_name": "Я" * 101}, {"last_name": None}, {"first_name": 5}],
    )
    def test_bad_input_is_a_precise_422_and_changes_nothing(self, client, newcomer, payload):
        client.force_login(newcomer)
        response = client.patch("/api/v1/accounts/me", payload, content_type="application/json")
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "validation_failed"
        assert response.json()["error"]["details"]
        assert User.objects.get(pk=newcomer.pk).last_name == ""

    def test_writes_need_the_csrf_token_like_the_site(self, newcomer):
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)
        strict.force_login(newcomer)
        response = strict.patch(
            "/api/v1/accounts/me", {"last_name": "Х"}, content_type="application/json"
        )
        assert response.status_code in (401, 403)
        assert User.objects.get(pk=newcomer.pk).last_name == ""

    def test_the_openapi_document_is_served(self, client):
        document = client.get("/api/v1/openapi.json").json()
        assert document["info"]["title"] == "Hromada API"
        assert "/api/v1/accounts/me" in document["paths"]


class TestAdmin:
    def _staff_client(self, client, roles):
        person = UserFactory(roles=roles)
        log_in_with_totp(client, person)
        return person

    def _post_roles(self, client, target, roles):
        data = {
            "email": target.email,
            "last_name": target.last_name,
            "first_name": target.first_name,
            "patronymic": target.patronymic,
            "postal_address": target.postal_address,
            "phone": str(target.phone),
            "is_active": "on",
            "roles": roles,
        }
        return client.post(f"/admin/accounts/user/{target.pk}/change/", data)

    def test_an_administrator_assigns_roles_in_the_admin(self, client):
        self._staff_client(client, [Role.ADMINISTRATOR])
        target = UserFactory()
        response = self._post_roles(client, target, ["operator", "moderator"])
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert User.objects.get(pk=target.pk).roles == {"operator", "moderator"}

    def test_an_operator_may_look_people_up_but_not_give_roles(self, client):
        self._staff_client(client, [Role.OPERATOR])
        target = UserFactory()
        assert client.get(f"/admin/accounts/user/{target.pk}/change/").status_code == 200
        assert self._post_roles(client, target, ["administrator"]).status_code == 403
        assert User.objects.get(pk=target.pk).roles == frozenset()

    def test_residents_never_reach_the_admin(self, client):
        client.force_login(UserFactory())
        response = client.get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]

    def test_the_admin_speaks_ukrainian(self, client):
        self._staff_client(client, [Role.ADMINISTRATOR])
        html = client.get("/admin/").content.decode()
        assert "Адміністрування" in html


class TestAdminCannotTakeOverAccounts:
    def test_an_administrator_cannot_set_another_persons_password(self, client):
        log_in_with_totp(client, UserFactory(roles=["administrator"]))
        target = UserFactory()
        url = f"/admin/accounts/user/{target.pk}/password/"
        response = client.post(
            url, {"password1": "taken-over-2026!", "password2": "taken-over-2026!"}
        )
        assert response.status_code == 403
        target.refresh_from_db()
        assert not target.check_password("taken-over-2026!")

    def test_nor_remove_anyones_second_factor(self, client):
        from allauth.mfa.models import Authenticator

        log_in_with_totp(client, UserFactory(roles=["administrator"]))
        victim = UserFactory(roles=["operator"])
        log_in_with_totp(Client(), victim)
        authenticator = Authenticator.objects.get(user=victim)
        url = f"/admin/mfa/authenticator/{authenticator.pk}/delete/"
        assert client.post(url, {"post": "yes"}).status_code == 403
        assert Authenticator.objects.filter(pk=authenticator.pk).exists()

    def test_the_email_is_not_edited_in_the_admin(self, client):
        log_in_with_totp(client, UserFactory(roles=["administrator"]))
        target = UserFactory(email="old@example.com")
        data = {
            "email": "new@example.com",
            "last_name": "Нове",
            "first_name": target.first_name,
            "patronymic": target.patronymic,
            "postal_address": target.postal_address,
            "phone": str(target.phone),
            "is_active": "on",
            "roles": [],
        }
        assert client.post(f"/admin/accounts/user/{target.pk}/change/", data).status_code == 302
        target.refresh_from_db()
        assert (target.email, target.last_name) == ("old@example.com", "Нове")

    def test_a_user_added_in_the_admin_gets_a_lower_case_unique_address(self, client):
        log_in_with_totp(client, UserFactory(roles=["administrator"]))
        UserFactory(email="taken@example.com")
        refused = client.post(
            "/admin/accounts/user/add/", {"email": "Taken@Example.com", "usable_password": "false"}
        )
        assert refused.status_code == 200 and "email" in refused.context["adminform"].form.errors
        client.post(
            "/admin/accounts/user/add/",
            {"email": "New.Person@Example.com", "usable_password": "false"},
        )
        assert User.objects.filter(email="new.person@example.com").exists()

    def test_an_administrator_cannot_demote_themselves_and_nothing_else_is_saved(self, client):
        admin = UserFactory(roles=["administrator"], last_name="Стара")
        log_in_with_totp(client, admin)
        data = {
            "last_name": "Нова",
            "first_name": admin.first_name,
            "patronymic": admin.patronymic,
            "postal_address": admin.postal_address,
            "phone": str(admin.phone),
            "is_active": "on",
            "roles": ["operator"],
        }
        response = client.post(f"/admin/accounts/user/{admin.pk}/change/", data)
        assert response.status_code == 200
        assert "roles" in response.context["adminform"].form.errors
        admin = User.objects.get(pk=admin.pk)
        assert admin.last_name == "Стара" and admin.roles == {"administrator"}


def test_a_signed_in_resident_at_the_admin_gets_a_403_not_a_redirect_loop(client):
    client.force_login(UserFactory())
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 2


@pytest.mark.parametrize("payload", [{"last_name": "a\u0000b"}, {"postal_address": "\u0000"}])
def test_the_api_refuses_a_nul_character_with_a_422(client, newcomer, payload):
    client.force_login(newcomer)
    response = client.patch("/api/v1/accounts/me", payload, content_type="application/json")
    assert response.status_code == 422
    assert User.objects.get(pk=newcomer.pk).last_name == ""


def test_spaces_alone_do_not_complete_the_profile(client, newcomer):
    client.force_login(newcomer)
    response = client.patch(
        "/api/v1/accounts/me",
        {"last_name": "  ", "patronymic": " ", "postal_address": "\t"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["missing_for_appeal"] == ["last_name", "patronymic", "postal_address"]
