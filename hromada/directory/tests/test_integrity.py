"""Tree moves, admin refusals and other integrity rules found in review."""

from datetime import date, time, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from hromada.accounts.tests.factories import UserFactory, log_in_with_totp
from hromada.core.errors import PermissionDenied, ValidationFailed
from hromada.directory import selectors
from hromada.directory.models import Absence, Addressee, Competency, Schedule
from hromada.directory.schedules import DayHours
from hromada.directory.services import (
    AddresseeEntry,
    absence_add,
    addressee_upsert,
    addressees_bulk_upsert,
    schedule_set,
)
from hromada.directory.tests.factories import OFFICE_WEEK, AddresseeFactory
from hromada.directory.tests.test_admin import ADD, addressee_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(client):
    log_in_with_totp(client, UserFactory(roles=["administrator"]))
    return client


class TestTreeMoves:
    def test_moves_take_the_tree_lock_on_postgresql(self):
        root = addressee_upsert(slug="root", kind="council", name="Рада")
        with CaptureQueriesContext(connection) as queries:
            addressee_upsert(slug="child", kind="unit", name="Відділ", parent=root)
            addressees_bulk_upsert(
                entries=[AddresseeEntry(slug="other", values={"kind": "unit", "name": "Інший"})]
            )
        locks = [q["sql"] for q in queries if "pg_advisory_xact_lock" in q["sql"]]
        assert len(locks) == (2 if connection.vendor == "postgresql" else 0)

    def test_a_cycle_in_old_data_does_not_hide_addressees(self):
        first = AddresseeFactory(slug="first")
        second = AddresseeFactory(slug="second", parent=first)
        AddresseeFactory(slug="third", parent=second)
        top = AddresseeFactory(slug="top")
        Addressee.objects.filter(pk=first.pk).update(parent=second)  # first ↔ second
        entries = list(selectors.catalogue())
        rows = selectors.tree_rows(selectors.build_tree(entries))
        assert sorted(row.addressee.slug for row in rows) == ["first", "second", "third", "top"]
        assert rows[0].addressee.slug == top.slug and rows[0].depth == 0


class TestRights:
    def user_with(self, *codenames):
        user = UserFactory()
        user.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="directory", codename__in=codenames)
        )
        return type(user).objects.get(pk=user.pk)  # a fresh permission cache

    def test_creating_needs_the_right_to_add_and_updating_the_right_to_change(self):
        adder = self.user_with("add_addressee")
        addressee_upsert(slug="new", kind="unit", name="Новий", actor=adder)
        with pytest.raises(PermissionDenied):
            addressee_upsert(slug="new", kind="unit", name="Інакший", actor=adder)
        changer = self.user_with("change_addressee")
        with pytest.raises(PermissionDenied):
            addressee_upsert(slug="newer", kind="unit", name="Ще новіший", actor=changer)
        addressee_upsert(slug="new", kind="unit", name="Інакший", actor=changer)
        assert list(Addressee.objects.values_list("slug", "name")) == [("new", "Інакший")]

    def test_a_refusal_after_the_form_is_valid_is_a_message_not_a_crash(
        self, administrator, monkeypatch
    ):
        from hromada.directory import admin as directory_admin

        def refuse(**kwargs):
            raise ValidationFailed("Someone moved it meanwhile.", field="parent")

        monkeypatch.setattr(directory_admin.services, "addressee_upsert", refuse)
        response = administrator.post(ADD, addressee_form(), follow=True)
        assert response.status_code == 200
        assert "Someone moved it meanwhile." in response.content.decode()
        assert not Addressee.objects.exists()


def inline_data(addressee, prefix, rows, fields):
    data = addressee_form(slug=addressee.slug, name=addressee.name)
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    for index, row in enumerate(rows):
        for name in fields:
            if row.get(name) not in (None, False):
                data[f"{prefix}-{index}-{name}"] = row[name]
        data[f"{prefix}-{index}-addressee"] = str(addressee.pk)
    return data


class TestInlines:
    def test_two_primary_schedules_at_once_are_explained(self, administrator):
        addressee = AddresseeFactory(slug="kultura", name="Відділ культури")
        rows = [
            {"name": "Графік роботи", "is_primary": "on"},
            {"name": "Прийом громадян", "is_primary": "on"},
        ]
        data = inline_data(addressee, "schedules", rows, ["name", "is_primary"])
        response = administrator.post(f"/admin/directory/addressee/{addressee.pk}/change/", data)
        assert response.status_code == 200
        assert response.context["inline_admin_formsets"][0].formset.non_form_errors()
        assert not Schedule.objects.exists()
        rows[1]["is_primary"] = False
        data = inline_data(addressee, "schedules", rows, ["name", "is_primary"])
        response = administrator.post(f"/admin/directory/addressee/{addressee.pk}/change/", data)
        assert response.status_code == 302
        assert list(Schedule.objects.values_list("name", "is_primary")) == [
            ("Графік роботи", True),
            ("Прийом громадян", False),
        ]

    def test_a_new_schedule_row_does_not_take_open_now_by_default(self, administrator):
        addressee = AddresseeFactory()
        response = administrator.get(f"/admin/directory/addressee/{addressee.pk}/change/")
        formset = response.context["inline_admin_formsets"][0].formset
        assert formset.empty_form["is_primary"].value() is False

    def test_overlapping_absences_at_once_are_explained(self, administrator):
        addressee = AddresseeFactory(slug="kultura", name="Відділ культури")
        today = timezone.localdate()
        rows = [
            {"kind": "vacation", "starts_on": today, "ends_on": today + timedelta(days=5)},
            {
                "kind": "sick_leave",
                "starts_on": today + timedelta(days=5),
                "ends_on": today + timedelta(days=7),
            },
        ]
        data = inline_data(addressee, "absences", rows, ["kind", "starts_on", "ends_on"])
        response = administrator.post(f"/admin/directory/addressee/{addressee.pk}/change/", data)
        assert response.status_code == 200
        assert response.context["inline_admin_formsets"][1].formset.non_form_errors()
        assert not Absence.objects.exists()


MONDAY_MORNING = "2026-11-23 10:00 +02:00"


class TestValidityAndAbsences:
    @time_machine.travel(MONDAY_MORNING, tick=False)
    def test_expired_schedules_are_hidden_and_future_ones_dated(self, client):
        addressee = AddresseeFactory(slug="dated", office_hours=True)
        today = timezone.localdate()
        schedule_set(addressee=addressee, week=OFFICE_WEEK, name="Old hours", is_primary=False)
        schedule_set(addressee=addressee, week=OFFICE_WEEK, name="Winter hours", is_primary=False)
        Schedule.objects.filter(name="Old hours").update(valid_until=today - timedelta(days=1))
        Schedule.objects.filter(name="Winter hours").update(
            valid_from=date(2026, 12, 1), valid_until=date(2027, 2, 28)
        )
        detail = selectors.addressee_detail(slug="dated")
        assert "Old hours" not in [s.name for s in detail.schedules.all()]
        html = client.get("/en/directory/dated/").content.decode()
        assert "Old hours" not in html and "Winter hours" in html
        assert "Valid from 1 December 2026 until 28 February 2027." in html

    @time_machine.travel(MONDAY_MORNING, tick=False)
    def test_a_round_the_clock_service_says_so(self, client):
        addressee = AddresseeFactory(slug="always")
        week = {d: DayHours(time(0), time(23, 59)) for d in range(7)}
        schedule_set(addressee=addressee, week=week, closed_on_public_holidays=False)
        html = client.get("/en/directory/always/").content.decode()
        assert "Open now" in html and "round the clock" in html
        assert "until 23:59" not in html

    @time_machine.travel(MONDAY_MORNING, tick=False)
    def test_an_unpublished_substitute_is_not_shown_or_linked(self, client):
        official = AddresseeFactory(slug="official")
        hidden = AddresseeFactory(slug="hidden", name="Прихований", is_published=False)
        today = timezone.localdate()
        absence_add(
            addressee=official, kind="vacation", starts_on=today, ends_on=today, substitute=hidden
        )
        html = client.get("/directory/official/").content.decode()
        assert "/directory/hidden/" not in html and "Прихований" not in html
        body = client.get("/api/v1/directory/addressees/official/open-now").json()
        assert body["absence"]["substitute"] is None

    def test_a_substitute_who_is_away_too_is_refused(self):
        official, deputy = AddresseeFactory(), AddresseeFactory()
        today = timezone.localdate()
        absence_add(
            addressee=deputy, kind="vacation", starts_on=today, ends_on=today + timedelta(days=3)
        )
        with pytest.raises(ValidationFailed) as refusal:
            absence_add(
                addressee=official,
                kind="vacation",
                starts_on=today + timedelta(days=3),
                ends_on=today + timedelta(days=9),
                substitute=deputy,
            )
        assert refusal.value.field == "substitute"
        absence_add(
            addressee=official,
            kind="vacation",
            starts_on=today + timedelta(days=4),
            ends_on=today + timedelta(days=9),
            substitute=deputy,
        )


class TestSearchTextAndNames:
    def test_renaming_or_deleting_a_competency_in_the_admin_refreshes_search(self, administrator):
        addressee_upsert(slug="zhkh", kind="department", name="ЖКГ", competencies=["Опалення"])
        addressee_upsert(slug="other", kind="department", name="Інший", competencies=["Опалення"])
        competency = Competency.objects.get(name="Опалення")
        response = administrator.post(
            f"/admin/directory/competency/{competency.pk}/change/", {"name": "Теплопостачання"}
        )
        assert response.status_code == 302
        assert [a.slug for a in selectors.catalogue(query="теплопостачання")] == ["other", "zhkh"]
        assert not list(selectors.catalogue(query="опалення"))
        response = administrator.post(
            f"/admin/directory/competency/{competency.pk}/delete/", {"post": "yes"}
        )
        assert response.status_code == 302
        assert not list(selectors.catalogue(query="теплопостачання"))

    def test_default_schedule_names_are_in_the_communitys_language(self):
        addressee = AddresseeFactory(slug="named")
        with translation.override("en"):
            schedule = schedule_set(addressee=addressee, week=OFFICE_WEEK)
            addressees_bulk_upsert(
                entries=[
                    AddresseeEntry(
                        slug="imported", values={"kind": "unit", "name": "Імпорт"}, week=OFFICE_WEEK
                    )
                ]
            )
        assert schedule.name == "Графік роботи"
        assert Schedule.objects.get(addressee__slug="imported").name == "Графік роботи"
