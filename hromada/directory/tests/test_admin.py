"""The directory's back office, tried by the four kinds of user; refusals change nothing."""

import pytest

from hromada.accounts.tests.factories import UserFactory, log_in_with_totp
from hromada.core.models import AuditEvent
from hromada.directory.models import Addressee, ScheduleDay
from hromada.directory.tests.factories import AddresseeFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/directory/addressee/add/"


def addressee_form(**changes) -> dict:
    data = {
        "kind": "department",
        "name": "Відділ культури",
        "slug": "kultura",
        "phones": "067 123 45 67\n0532 50 12 34",
        "emails": "Kultura@Novoiarsk.Example",
        "office_address": "вул. Соборна, 3",
        "latitude": "49.1",
        "longitude": "33.4",
        "order": "0",
        "is_published": "on",
        # inline management forms: schedules, absences, memberships
        "schedules-TOTAL_FORMS": "0",
        "schedules-INITIAL_FORMS": "0",
        "absences-TOTAL_FORMS": "0",
        "absences-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    return data | changes


@pytest.fixture
def administrator(client):
    log_in_with_totp(client, UserFactory(roles=["administrator"]))
    return client


class TestWhoMayEdit:
    def test_anonymous_people_are_sent_to_log_in(self, client):
        response = client.post(ADD, addressee_form())
        assert response.status_code == 302 and "/login/" in response["Location"]
        assert not Addressee.objects.exists()

    def test_residents_never_reach_the_admin(self, client):
        client.force_login(UserFactory())
        assert client.post(ADD, addressee_form()).status_code == 302
        assert not Addressee.objects.exists()

    def test_staff_without_the_right_are_refused(self, client):
        log_in_with_totp(client, UserFactory(roles=["executor"]))
        assert client.post(ADD, addressee_form()).status_code == 403
        assert client.get("/admin/directory/addressee/import/").status_code == 302
        assert client.get("/admin/directory/addressee/export/csv/").status_code == 302
        assert not Addressee.objects.exists()

    def test_an_administrator_adds_an_addressee_through_the_service(self, administrator):
        response = administrator.post(ADD, addressee_form())
        assert response.status_code == 302, response.context["adminform"].form.errors
        saved = Addressee.objects.get(slug="kultura")
        assert saved.phones == ["+380 67 123 4567", "+380 5325 01234"]
        assert saved.emails == ["kultura@novoiarsk.example"]
        assert "відділ культури" in saved.search_text
        assert AuditEvent.objects.filter(action="addressee.created", target_id=saved.pk).exists()


class TestBadInputInTheAdmin:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"phones": "12"}, "phones"),
            ({"emails": "nobody"}, "emails"),
            ({"latitude": "49.1", "longitude": ""}, "longitude"),
            ({"slug": "groups"}, "slug"),
        ],
    )
    def test_is_explained_beside_the_field(self, administrator, changes, field):
        response = administrator.post(ADD, addressee_form(**changes))
        assert response.status_code == 200
        assert field in response.context["adminform"].form.errors
        assert not Addressee.objects.exists()

    def test_an_addressee_cannot_go_under_its_own_subdivision(self, administrator):
        parent = AddresseeFactory(slug="parent")
        child = AddresseeFactory(slug="child", parent=parent)
        response = administrator.post(
            f"/admin/directory/addressee/{parent.pk}/change/",
            addressee_form(slug="parent", name=parent.name, parent=str(child.pk)),
        )
        assert response.status_code == 200
        assert "parent" in response.context["adminform"].form.errors
        parent.refresh_from_db()
        assert parent.parent is None

    def test_a_break_outside_the_hours_is_refused(self, administrator):
        addressee = AddresseeFactory(office_hours=True)
        schedule = addressee.schedules.get()
        day = schedule.days.get(weekday=0)
        data = {
            "addressee": str(addressee.pk),
            "name": schedule.name,
            "is_primary": "on",
            "closed_on_public_holidays": "on",
            "days-TOTAL_FORMS": "1",
            "days-INITIAL_FORMS": "1",
            "days-0-id": str(day.pk),
            "days-0-schedule": str(schedule.pk),
            "days-0-weekday": "0",
            "days-0-opens": "08:00",
            "days-0-closes": "17:00",
            "days-0-break_starts": "18:00",
            "days-0-break_ends": "19:00",
            "exceptions-TOTAL_FORMS": "0",
            "exceptions-INITIAL_FORMS": "0",
        }
        response = administrator.post(f"/admin/directory/schedule/{schedule.pk}/change/", data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "всередині робочих годин" in html
        assert ScheduleDay.objects.get(pk=day.pk).break_starts.hour == 12


class TestImportExportInTheAdmin:
    def test_a_broken_file_lists_its_problems_and_imports_nothing(self, administrator):
        body = (
            "code,kind,name,phones,schedule\n"
            "a,council,Рада,12,mon 08:00-17:00 break 18:00-19:00\n"
            "b,nonsense,,,\n"
        ).encode()
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("phonebook.csv", body, content_type="text/csv")
        response = administrator.post("/admin/directory/addressee/import/", {"file": upload})
        assert response.status_code == 200
        problems = [(p.line, p.column) for p in response.context["result"].problems]
        assert (2, "phones") in problems and (2, "schedule") in problems
        assert (3, "kind") in problems and (3, "name") in problems
        assert not Addressee.objects.exists()

    def test_a_clean_file_is_imported_and_exported_again(self, administrator):
        from django.core.files.uploadedfile import SimpleUploadedFile

        body = "code,parent_code,kind,name\nrada,,council,Рада\nvk,rada,executive_committee,ВК\n"
        upload = SimpleUploadedFile("book.csv", body.encode(), content_type="text/csv")
        response = administrator.post("/admin/directory/addressee/import/", {"file": upload})
        assert response.status_code == 302
        assert Addressee.objects.get(slug="vk").parent.slug == "rada"
        exported = administrator.get("/admin/directory/addressee/export/csv/")
        assert exported["Content-Disposition"].startswith('attachment; filename="directory-')
        text = exported.content.decode("utf-8-sig")
        assert text.index("rada,") < text.index("vk,rada")
        xlsx = administrator.get("/admin/directory/addressee/export/xlsx/")
        assert xlsx.content[:2] == b"PK"

    def test_the_tree_page_shows_unpublished_ones_too(self, administrator):
        root = AddresseeFactory(slug="r", name="Корінь")
        AddresseeFactory(slug="h", name="Прихований", parent=root, is_published=False)
        html = administrator.get("/admin/directory/addressee/tree/").content.decode()
        assert html.index("Корінь") < html.index("Прихований")


class TestFixesFromReview:
    def test_the_code_cannot_be_changed_so_no_twin_appears(self, administrator):
        addressee = AddresseeFactory(slug="kultura", name="Відділ культури")
        response = administrator.post(
            f"/admin/directory/addressee/{addressee.pk}/change/",
            addressee_form(slug="renamed", name="Відділ культури і туризму"),
        )
        assert response.status_code == 302
        assert list(Addressee.objects.values_list("slug", "name")) == [
            ("kultura", "Відділ культури і туризму")
        ]

    @pytest.mark.parametrize("code", ["Kultura", "культура", "a b"])
    def test_codes_are_small_latin_letters_so_exports_import_again(self, administrator, code):
        response = administrator.post(ADD, addressee_form(slug=code))
        assert "slug" in response.context["adminform"].form.errors
        assert not Addressee.objects.exists()

    def test_a_picture_of_the_wrong_kind_is_explained_not_a_crash(self, administrator):
        import io

        from django.core.files.uploadedfile import SimpleUploadedFile
        from PIL import Image

        gif = io.BytesIO()
        Image.new("RGB", (8, 8)).save(gif, format="GIF")
        data = addressee_form()
        data["photo"] = SimpleUploadedFile("logo.png", gif.getvalue(), content_type="image/png")
        response = administrator.post(ADD, data)
        assert response.status_code == 200
        assert "photo" in response.context["adminform"].form.errors
        assert not Addressee.objects.exists()

    def test_admin_edits_of_schedules_join_the_audit_trail(self, administrator):
        addressee = AddresseeFactory(office_hours=True)
        schedule = addressee.schedules.get()
        data = {
            "addressee": str(addressee.pk),
            "name": "Прийом громадян",
            "is_primary": "on",
            "closed_on_public_holidays": "on",
            "days-TOTAL_FORMS": "0",
            "days-INITIAL_FORMS": "0",
            "exceptions-TOTAL_FORMS": "0",
            "exceptions-INITIAL_FORMS": "0",
        }
        response = administrator.post(f"/admin/directory/schedule/{schedule.pk}/change/", data)
        assert response.status_code == 302
        event = AuditEvent.objects.get(action="directory.schedule.admin_changed")
        assert event.target == schedule and event.actor is not None


def test_services_refuse_people_without_the_right():
    from hromada.core.errors import PermissionDenied
    from hromada.directory.services import addressee_upsert

    operator = UserFactory(roles=["operator"])
    with pytest.raises(PermissionDenied):
        addressee_upsert(slug="x", kind="unit", name="X", actor=operator)
    assert not Addressee.objects.exists()
    administrator = UserFactory(roles=["administrator"])
    assert addressee_upsert(slug="x", kind="unit", name="X", actor=administrator).pk
