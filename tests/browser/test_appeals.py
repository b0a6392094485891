"""A resident's appeal in the browser, on a phone, in Ukrainian: filed from the addressee's
page with a photo, answered by the council, rated; and the form used by keyboard alone."""

import io
import os

import pytest
from PIL import Image
from playwright.sync_api import expect

from hromada.accounts.tests.factories import PASSWORD, UserFactory
from hromada.appeals import services
from hromada.appeals.models import Appeal, Rating, State
from hromada.appeals.tests.factories import staff_of
from hromada.directory.services import addressee_upsert

from .support import main_menu, path_is, screenshot_dir, tr
from .test_accessibility import AXE, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def teplo():
    addressee = addressee_upsert(
        slug="kp-teplo",
        kind="communal_enterprise",
        name="КП «Тепломережа»",
        competencies=["Опалення"],
        office_address="вул. Заводська, 7",
    )
    return addressee, staff_of(addressee, responsible=True)


@pytest.fixture
def axe():
    if not AXE.exists():
        reason = "axe-core is not installed (make test runs npm ci)"
        if os.environ.get("HROMADA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"HROMADA_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return AXE.read_text()


def submit(page, button) -> None:
    with page.expect_navigation():
        button.click()


def log_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    submit(page, page.get_by_role("button", name=tr("Sign In"), exact=True))
    expect(page).to_have_url(path_is("/cabinet/"))


def photo(tmp_path):
    path = tmp_path / "radiator.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "steelblue").save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_a_resident_files_an_appeal_with_a_photo_and_rates_the_answer(page, teplo, axe, tmp_path):
    addressee, head = teplo
    resident = UserFactory(last_name="Мельник", first_name="Ганна")
    log_in(page, resident)
    found = {}

    # From the addressee's page: the appeal form comes with the addressee chosen.
    page.goto("/directory/kp-teplo/")
    block = page.get_by_role("region", name=tr("Appeals"))
    expect(block).to_contain_text(tr("No appeals were received in the last 12 months."))
    block.get_by_role("link", name=tr("Write an appeal to this addressee")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("New appeal"))
    expect(page.get_by_label(tr("To whom"))).to_have_value(str(addressee.pk))
    found["form"] = violations(page, axe)

    # A missing text is marked beside its field, and nothing is filed.
    page.get_by_label(tr("Kind of appeal")).select_option("application")
    page.get_by_label(tr("Subject")).fill("Холодні батареї")
    submit(page, page.get_by_role("button", name=tr("Send the appeal")))
    text = page.get_by_label(tr("Text of the appeal"))
    expect(text).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_text_error")).to_be_visible()
    assert not Appeal.objects.exists()
    found["form with errors"] = violations(page, axe)

    text.fill("У будинку на вул. Заводській, 3 третій день холодні батареї.")
    page.get_by_label(tr("Files")).set_input_files(str(photo(tmp_path)))
    submit(page, page.get_by_role("button", name=tr("Send the appeal")))

    appeal = Appeal.objects.get()
    assert appeal.author == resident and appeal.addressee == addressee
    assert appeal.attachments.get().content_type == "image/jpeg"
    expect(page).to_have_url(path_is(f"/appeals/{appeal.pk}/"))
    status = page.get_by_role("status").first
    expect(status).to_contain_text(appeal.number)
    expect(status).to_contain_text("КП «Тепломережа»")
    expect(page.get_by_role("heading", level=1)).to_have_text("Холодні батареї")
    expect(page.get_by_role("link", name="radiator.jpg")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390

    # The council answers.
    services.appeal_answer(appeal_id=appeal.pk, actor=head, text="Систему прочищено.")
    page.reload()
    expect(page.get_by_text("Систему прочищено.")).to_be_visible()
    found["appeal with an answer"] = violations(page, axe)

    rating = page.get_by_role("form", name=tr("Rate the answer"))
    for question, score in (
        ("Quality of the answer", "5"),
        ("Speed", "4"),
        ("Completeness", "5"),
    ):
        rating.get_by_role("group", name=tr(question)).get_by_label(score, exact=True).check()
    rating.get_by_label(tr("Comment")).fill("Дякую, тепло.")
    submit(page, rating.get_by_role("button", name=tr("Send the rating")))
    expect(page.get_by_role("status").first).to_contain_text(tr("Thank you: your rating is saved."))
    saved = Rating.objects.get()
    assert (saved.quality, saved.speed, saved.completeness) == (5, 4, 5)
    expect(page.get_by_role("form", name=tr("Rate the answer"))).to_have_count(0)

    page.get_by_role("button", name=tr("Accept and close")).click()
    expect(page.get_by_role("status").first).to_contain_text(tr("The appeal is closed. Thank you."))
    appeal.refresh_from_db()
    assert appeal.state == State.CLOSED

    main_menu(page).get_by_role("link", name=tr("My appeals")).click()
    expect(page.get_by_role("link", name="Холодні батареї")).to_be_visible()
    found["my appeals"] = violations(page, axe)
    page.screenshot(path=str(screenshot_dir(tmp_path) / "appeals-mine.png"), full_page=True)
    assert {where: problems for where, problems in found.items() if problems} == {}


def focused_name(page) -> str:
    return page.evaluate("document.activeElement && (document.activeElement.name || '')")


def tab_to(page, name: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_name(page) == name:
            return
    raise AssertionError(f"{name} was not reached with Tab")


def test_the_form_works_with_the_keyboard_alone(page, teplo):
    addressee, _head = teplo
    log_in(page, UserFactory())
    page.goto("/appeals/new/?to=kp-teplo")

    tab_to(page, "kind")
    # Arrow keys walk a closed select's options, as a keyboard user does (typing Cyrillic
    # for the type-ahead is not a key event the browser's select listens to).
    kind = page.locator("select[name=kind]")
    for _ in range(10):
        if kind.input_value() == "application":
            break
        page.keyboard.press("ArrowDown")
    expect(kind).to_have_value("application")
    # The script shows the fields of the chosen kind only.
    expect(page.locator("input[name=latitude]")).to_be_hidden()
    expect(page.locator("textarea[name=co_signers]")).to_be_visible()

    tab_to(page, "subject")
    page.keyboard.type("Яма на дорозі")
    page.keyboard.press("Tab")
    assert focused_name(page) == "text"
    page.keyboard.type("Глибока яма біля зупинки «Центр».")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    expect(page.get_by_role("button", name=tr("Send the appeal"))).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    appeal = Appeal.objects.get()
    assert (appeal.kind, appeal.subject, appeal.addressee) == (
        "application",
        "Яма на дорозі",
        addressee,
    )
    expect(page.get_by_role("status").first).to_contain_text(appeal.number)
