"""A resident reports a problem from a phone in three steps (an address from the register, a
category, a description with a photo), sees the open report nearby first, is refused a
file that is not a picture, and files; a neighbour supports the report. axe audits each page."""

import io

import pytest
from django.core.management.base import OutputWrapper
from PIL import Image
from playwright.sync_api import expect

from hromada.accounts.tests.factories import UserFactory
from hromada.appeals.models import Appeal, Category, Kind
from hromada.appeals.services import appeal_submit
from hromada.core import demo as core_demo
from hromada.situation.services import address_upsert

from .support import tr
from .test_accessibility import AXE, violations
from .test_appeals import log_in, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHEVCHENKA_12 = (49.1052, 33.4011)  # in the demo city's Central district


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def axe():
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make test runs npm ci)")
    return AXE.read_text()


@pytest.fixture
def city():
    core_demo.load(stdout=OutputWrapper(io.StringIO()))
    roads = Category.objects.create(name="Дороги і тротуари", slug="roads")
    address_upsert(
        street="вул. Шевченка", house="12", latitude=SHEVCHENKA_12[0], longitude=SHEVCHENKA_12[1]
    )
    earlier = appeal_submit(
        actor=UserFactory(),
        kind=Kind.PROBLEM_REPORT,
        subject="Яма на тротуарі біля аптеки",
        text="Глибока яма, люди спотикаються.",
        category=roads,
        latitude=SHEVCHENKA_12[0] + 0.0004,
        longitude=SHEVCHENKA_12[1],
        is_public=True,
    )
    return roads, earlier


def photo(tmp_path):
    path = tmp_path / "yama.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_a_resident_reports_a_problem_in_three_steps(page, new_page, city, axe, tmp_path):
    roads, earlier = city
    resident = UserFactory(last_name="Коваль", first_name="Ірина")
    log_in(page, resident)
    found = {}

    page.goto("/map/")
    found["map"] = violations(page, axe)
    page.get_by_role("link", name=tr("Report a problem")).first.click()

    # Step 1: "use my location" puts the phone's position into the point's fields ...
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": SHEVCHENKA_12[0], "longitude": SHEVCHENKA_12[1]})
    page.get_by_role("button", name=tr("Use my location")).click()
    expect(page.get_by_text(tr("Your location is put on the map."))).to_be_visible()
    expect(page.locator("#id_latitude")).to_have_value(f"{SHEVCHENKA_12[0]:.6f}")
    # ... and the address, found in the register as one types, is the other way.
    page.get_by_label(tr("Find the address")).fill("шевченка 12")
    found_address = page.get_by_label("вул. Шевченка, 12")
    expect(found_address).to_be_visible(timeout=30_000)  # a loaded machine may be slow
    found_address.check()
    found["step 1"] = violations(page, axe)
    submit(page, page.get_by_role("button", name=tr("Next: the category")))

    # Step 2: the category.
    page.get_by_label("Дороги і тротуари").check()
    found["step 2"] = violations(page, axe)
    submit(page, page.get_by_role("button", name=tr("Next: the description")))

    # Step 3: the open report nearby is offered first.
    nearby = page.get_by_role("region", name=tr("Already reported nearby?"))
    expect(nearby).to_contain_text("Яма на тротуарі біля аптеки")
    expect(nearby.get_by_role("button", name=tr("Support instead"))).to_be_visible()
    found["step 3"] = violations(page, axe)

    page.get_by_label(tr("In a few words")).fill("Провалля в асфальті на переході")
    page.get_by_label(tr("Description")).fill("На пішохідному переході провалився асфальт.")
    not_a_picture = tmp_path / "yama.png"
    not_a_picture.write_text("not a picture")
    page.get_by_label(tr("Photos")).set_input_files(str(not_a_picture))
    submit(page, page.get_by_role("button", name=tr("Send the report")))
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("main")).to_contain_text("«yama.png»")
    assert Appeal.objects.count() == 1
    found["step 3 with errors"] = violations(page, axe)

    page.get_by_label(tr("Photos")).set_input_files(str(photo(tmp_path)))
    submit(page, page.get_by_role("button", name=tr("Send the report")))
    filed = Appeal.objects.exclude(pk=earlier.pk).get()
    expect(page.get_by_role("heading", level=1)).to_have_text("Провалля в асфальті на переході")
    assert (filed.category, filed.location_text) == (roads, "вул. Шевченка, 12")
    assert filed.attachments.count() == 1
    photo_label = tr("Photo %(number)s of the problem") % {"number": 1}
    expect(page.get_by_role("img", name=photo_label)).to_be_visible()
    found["report"] = violations(page, axe)

    # A neighbour supports it, once.
    neighbour = new_page()
    log_in(neighbour, UserFactory())
    neighbour.goto(f"/map/reports/{filed.pk}/")
    submit(neighbour, neighbour.get_by_role("button", name=tr("Support (підписатися)")))
    expect(neighbour.locator("#supporters")).to_have_text("1")
    expect(neighbour.get_by_role("button", name=tr("Withdraw my support"))).to_be_visible()
    found["supported"] = violations(neighbour, axe)

    neighbour.goto(f"/map/reports/?category={roads.pk}")
    expect(neighbour.locator("main")).to_contain_text("Провалля в асфальті на переході")
    found["list"] = violations(neighbour, axe)
    assert {where: problems for where, problems in found.items() if problems} == {}


def test_the_city_pages_and_the_dashboard_pass_the_audit(page, axe, settings):
    """Works, permits, yards, and the operator's dashboard (the second factor is tested
    elsewhere; here the audit of the page)."""
    from hromada.accounts.roles import Role
    from hromada.situation import demo as situation_demo

    settings.STAFF_MFA_REQUIRED = False
    core_demo.load(stdout=OutputWrapper(io.StringIO()))
    situation_demo.load(stdout=OutputWrapper(io.StringIO()))
    found = {}
    for path in ("/map/works/", "/map/permits/", "/map/yards/", "/map/reports/"):
        page.goto(path)
        found[path] = violations(page, axe)
    log_in(page, UserFactory(roles=[Role.OPERATOR]))
    page.goto("/office/situation/")
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("Situation centre"))
    found["dashboard"] = violations(page, axe)
    assert {where: problems for where, problems in found.items() if problems} == {}
