from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hromada.accounts.tests.factories import UserFactory
from hromada.core.errors import ValidationFailed
from hromada.core.models import AuditEvent
from hromada.directory import selectors
from hromada.directory.models import Addressee, Competency
from hromada.directory.services import absence_add, addressee_upsert, membership_set
from hromada.directory.tests.factories import AddresseeFactory, GroupFactory

pytestmark = pytest.mark.django_db

# 2026-11-23 is a Monday; 10:00 in Kyiv.
MONDAY_MORNING = "2026-11-23 10:00 +02:00"


@pytest.fixture
def council():
    group = GroupFactory(slug="vykonkom", name="Виконком")
    root = addressee_upsert(slug="rada", kind="council", name="Новоярська міська рада")
    housing = addressee_upsert(
        slug="zhkh",
        kind="department",
        name="Управління житлово-комунального господарства",
        parent=root,
        competencies=["Вивіз сміття", "Опалення"],
        groups=["vykonkom"],
        office_address="вул. Заводська, 12",
        latitude=49.08,
        longitude=33.35,
    )
    chief = addressee_upsert(
        slug="zhkh-head",
        kind="official",
        name="Начальник управління ЖКГ",
        person_name="Гнатюк Ольга Вікторівна",
        parent=housing,
    )
    hidden = addressee_upsert(slug="draft", kind="unit", name="Чернетка", is_published=False)
    return {"group": group, "root": root, "housing": housing, "chief": chief, "hidden": hidden}


class TestServices:
    def test_upsert_normalises_contacts_and_records_the_action(self, council):
        saved = addressee_upsert(
            slug="cnap",
            kind="service_centre",
            name="ЦНАП",
            phones=["067 123 45 67", " "],
            emails=["CNAP@Novoiarsk.Example"],
        )
        assert saved.phones == ["+380 67 123 4567"]
        assert saved.emails == ["cnap@novoiarsk.example"]
        assert AuditEvent.objects.filter(action="addressee.created", target_id=saved.pk).exists()

    def test_a_second_upsert_updates_and_creates_nothing(self, council):
        count = Addressee.objects.count()
        addressee_upsert(
            slug="zhkh",
            kind="department",
            name="Управління ЖКГ",
            parent=council["root"],
            competencies=["Опалення"],
        )
        assert Addressee.objects.count() == count
        housing = Addressee.objects.get(slug="zhkh")
        assert housing.name == "Управління ЖКГ"
        assert [c.name for c in housing.competencies.all()] == ["Опалення"]
        assert Competency.objects.filter(name="Вивіз сміття").exists()  # kept for others

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"phones": ["12"]}, "phones"),
            ({"emails": ["not-an-address"]}, "emails"),
            ({"latitude": 49.1}, "longitude"),
            ({"latitude": 91.0, "longitude": 33.0}, "latitude"),
            ({"kind": "ministry"}, "kind"),
            ({"groups": ["nope"]}, "groups"),
            ({"website": "javascript:alert(1)"}, "website"),
            ({"name": "  "}, "name"),
        ],
    )
    def test_bad_input_is_refused_and_nothing_changes(self, council, changes, field):
        before = Addressee.objects.get(slug="zhkh")
        arguments = {"slug": "zhkh", "kind": "department", "name": before.name} | changes
        with pytest.raises(ValidationFailed) as refusal:
            addressee_upsert(**arguments)
        assert refusal.value.field == field
        after = Addressee.objects.get(slug="zhkh")
        assert (after.name, after.phones, after.parent_id) == (
            before.name,
            before.phones,
            before.parent_id,
        )

    def test_an_addressee_cannot_move_under_its_own_subdivision(self, council):
        with pytest.raises(ValidationFailed) as refusal:
            addressee_upsert(slug="zhkh", kind="department", name="ЖКГ", parent=council["chief"])
        assert refusal.value.field == "parent"
        assert Addressee.objects.get(slug="zhkh").parent == council["root"]

    def test_absences_cannot_overlap_and_nobody_stands_in_for_themselves(self, council):
        chief, housing = council["chief"], council["housing"]
        today = timezone.localdate()
        absence_add(
            addressee=chief,
            kind="vacation",
            starts_on=today,
            ends_on=today + timedelta(days=10),
            substitute=housing,
        )
        with pytest.raises(ValidationFailed):
            absence_add(addressee=chief, kind="sick_leave", starts_on=today, ends_on=today)
        with pytest.raises(ValidationFailed):
            absence_add(
                addressee=housing,
                kind="vacation",
                starts_on=today,
                ends_on=today,
                substitute=housing,
            )
        with pytest.raises(ValidationFailed):
            absence_add(
                addressee=housing,
                kind="vacation",
                starts_on=today,
                ends_on=today - timedelta(days=1),
            )
        assert chief.absences.count() == 1 and housing.absences.count() == 0

    def test_only_staff_work_for_an_addressee(self, council):
        with pytest.raises(ValidationFailed):
            membership_set(addressee=council["housing"], user=UserFactory(), is_responsible=True)
        executor = UserFactory(roles=["executor"])
        membership_set(addressee=council["housing"], user=executor, is_responsible=True)
        assert list(council["housing"].staff.all()) == [executor]


class TestSearch:
    @pytest.mark.parametrize(
        "query",
        ["сміття", "СМІТТЯ", "вивіз сміття", "гнатюк", "управління ЖКГ", "житлово"],
    )
    def test_search_finds_by_name_person_and_competency(self, council, query):
        found = {a.slug for a in selectors.catalogue(query=query)}
        assert found & {"zhkh", "zhkh-head"}, query

    @pytest.mark.parametrize("typed", ["обʼєкт", "об'єкт", "об’єкт", "ОБ'ЄКТ"])
    def test_every_apostrophe_is_the_same_letter(self, typed):
        addressee_upsert(slug="obj", kind="unit", name="Відділ обʼєктів благоустрою")
        assert [a.slug for a in selectors.catalogue(query=typed)] == ["obj"]

    def test_unpublished_addressees_are_never_listed(self, council):
        assert "draft" not in {a.slug for a in selectors.catalogue()}
        assert not selectors.catalogue(query="Чернетка").exists()


class TestPages:
    def test_the_catalogue_shows_the_tree(self, client, council):
        html = client.get("/directory/").content.decode()
        assert html.index("Новоярська міська рада") < html.index("Управління житлово")
        assert html.index("Управління житлово") < html.index("Начальник управління ЖКГ")
        assert "Чернетка" not in html

    def test_search_lists_results_with_where_they_belong(self, client, council):
        response = client.get("/directory/", {"q": "сміття"})
        html = response.content.decode()
        assert "Управління житлово-комунального господарства" in html
        assert "Новоярська міська рада" in html  # the breadcrumb trail
        assert "Начальник управління" not in html

    def test_a_group_link_lists_that_group_only(self, client, council):
        html = client.get("/directory/groups/vykonkom/?view=list").content.decode()
        assert "Управління житлово-комунального господарства" in html
        assert "Новоярська міська рада</a>" not in html
        assert 'name="group"' not in html  # no way out of the group on that page
        assert client.get("/directory/groups/none/").status_code == 404

    def test_the_map_view_embeds_the_offices_as_data(self, client, council):
        html = client.get("/directory/?view=map").content.decode()
        assert 'id="office-points"' in html and "vendor/leaflet/leaflet.js" in html
        assert "Управління житлово-комунального господарства" in html  # the list beside it

    @time_machine.travel(MONDAY_MORNING, tick=False)
    def test_an_addressee_page_says_it_is_open_now(self, client):
        AddresseeFactory(slug="open", name="Відкритий відділ", office_hours=True)
        html = client.get("/directory/open/").content.decode()
        assert "Відкритий відділ" in html
        assert "Відкрито зараз" in html and "до 12:00" in html
        assert "Перерва" in html and "12:00–12:45" in html

    @time_machine.travel("2026-11-23 12:20 +02:00", tick=False)
    def test_during_the_break_it_says_when_it_reopens(self, client):
        AddresseeFactory(slug="lunch", office_hours=True)
        html = client.get("/directory/lunch/").content.decode()
        assert "Перерва зараз" in html and "відкриється о 12:45" in html

    @time_machine.travel(MONDAY_MORNING, tick=False)
    def test_an_official_on_vacation_shows_who_stands_in(self, client, council):
        absence_add(
            addressee=council["chief"],
            kind="vacation",
            starts_on=timezone.localdate() - timedelta(days=2),
            ends_on=timezone.localdate() + timedelta(days=5),
            substitute=council["housing"],
        )
        html = client.get("/directory/zhkh-head/").content.decode()
        assert "Відпустка" in html and "Заміщує" in html
        assert 'href="/directory/zhkh/"' in html

    def test_unpublished_and_unknown_addressees_are_404(self, client, council):
        assert client.get("/directory/draft/").status_code == 404
        assert client.get("/directory/nobody/").status_code == 404

    def test_the_page_is_in_english_too(self, client, council):
        html = client.get("/en/directory/zhkh/").content.decode()
        assert "Contacts" in html and 'lang="en"' in html


class TestApi:
    def test_tree_and_flat_list(self, client, council):
        tree = client.get("/api/v1/directory/tree").json()
        assert [node["slug"] for node in tree] == ["rada"]
        assert tree[0]["children"][0]["children"][0]["slug"] == "zhkh-head"
        flat = client.get("/api/v1/directory/addressees", {"q": "сміття"}).json()
        assert (flat["next_cursor"], flat["has_more"]) == (None, False)
        assert flat["items"] == [
            {
                "slug": "zhkh",
                "name": "Управління житлово-комунального господарства",
                "kind": "department",
                "parent": "rada",
                "position": "",
                "person_name": "",
            }
        ]

    def test_one_addressee_and_its_schedule(self, client):
        AddresseeFactory(slug="a1", office_hours=True)
        body = client.get("/api/v1/directory/addressees/a1").json()
        assert body["phones"] == ["+380 532 50 12 34"]
        assert body["office"] == {"address": "вул. Соборна, 1", "latitude": 49.1, "longitude": 33.4}
        [schedule] = client.get("/api/v1/directory/addressees/a1/schedule").json()
        assert schedule["is_primary"] and len(schedule["days"]) == 5
        assert schedule["days"][0] == {
            "weekday": 0,
            "opens": "08:00:00",
            "closes": "17:00:00",
            "break_starts": "12:00:00",
            "break_ends": "12:45:00",
        }

    @time_machine.travel("2026-11-28 10:00 +02:00", tick=False)  # a Saturday
    def test_open_now(self, client):
        AddresseeFactory(slug="a2", office_hours=True)
        body = client.get("/api/v1/directory/addressees/a2/open-now").json()
        assert body["is_open"] is False
        assert body["changes_at"].startswith("2026-11-30T08:00:00")

    def test_unknown_is_a_404_in_the_api_format(self, client, council):
        response = client.get("/api/v1/directory/addressees/draft")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_the_catalogue_costs_the_same_queries_for_ten_or_two_thousand(client):
    root = AddresseeFactory(slug="root")

    def add(start: int, stop: int) -> None:
        Addressee.objects.bulk_create(
            Addressee(
                slug=f"a-{i}",
                kind="official",
                name=f"Посадовець {i}",
                parent=root,
                search_text=f"посадовець {i}",
                latitude=49.1,
                longitude=33.4,
            )
            for i in range(start, stop)
        )

    def queries(view: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/directory/", {"view": view}).status_code == 200
        return len(captured.captured_queries)

    add(0, 10)
    few = {view: queries(view) for view in ("tree", "list", "map")}
    add(10, 2000)
    many = {view: queries(view) for view in ("tree", "list", "map")}
    assert few == many


def test_the_directory_is_in_the_main_menu(client):
    html = client.get("/").content.decode()
    assert 'href="/directory/"' in html and "До кого звернутися" in html


def test_a_search_on_the_map_narrows_the_offices(client, council):
    addressee_upsert(
        slug="cnap", kind="service_centre", name="ЦНАП", latitude=49.1, longitude=33.41
    )
    html = client.get("/directory/", {"view": "map", "q": "ЦНАП"}).content.decode()
    assert "ЦНАП" in html and "Управління житлово" not in html


def test_an_unknown_group_in_the_api_is_a_404_in_the_api_format(client):
    response = client.get("/api/v1/directory/addressees", {"group": "nope"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_tree_deeper_than_the_recursion_limit_still_renders(client):
    parent = None
    chain = []
    for level in range(1100):
        chain.append(
            Addressee(slug=f"level-{level}", kind="unit", name=f"Рівень {level}", parent=parent)
        )
        parent = Addressee.objects.bulk_create([chain[-1]])[0]
    # Services keep the tree at MAX_DEPTH levels; the page must survive data put in otherwise.
    html = client.get("/directory/").content.decode()
    assert html.count("<details") == 1099 and html.count("</details>") == 1099


def test_the_tree_is_kept_at_most_twenty_levels_deep():
    parent = None
    for level in range(20):
        parent = addressee_upsert(slug=f"l{level}", kind="unit", name=f"Р{level}", parent=parent)
    with pytest.raises(ValidationFailed) as refusal:
        addressee_upsert(slug="l20", kind="unit", name="Р20", parent=parent)
    assert refusal.value.field == "parent"
    top = addressee_upsert(slug="other", kind="unit", name="Інший")
    with pytest.raises(ValidationFailed):  # moving the whole chain one level down
        addressee_upsert(slug="l0", kind="unit", name="Р0", parent=top)
    assert not Addressee.objects.filter(slug="l20").exists()
    assert Addressee.objects.get(slug="l0").parent is None
    assert client_tree_depth() == 20


def client_tree_depth() -> int:
    from django.test import Client

    depth, nodes = 0, Client().get("/api/v1/directory/tree").json()
    while nodes:
        depth, nodes = depth + 1, [c for n in nodes for c in n["children"]]
    return depth


@pytest.mark.parametrize(
    "address",
    [
        "/directory/?q=a%00b",
        "/directory/?group=%00",
        "/directory/a%00b/",
        "/api/v1/directory/addressees?q=a%00",
        "/api/v1/directory/addressees/a%00b/open-now",
    ],
)
def test_a_nul_byte_is_a_clear_400_not_a_server_error(client, address):
    response = client.get(address)
    assert response.status_code == 400
    if address.startswith("/api/"):
        assert response.json()["error"]["code"] == "bad_request"
