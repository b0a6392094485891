"""axe-core audits every kind of page for WCAG 2.1 A and AA, on a phone, in Ukrainian."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from hromada.accounts.tests.factories import PASSWORD, UserFactory
from hromada.directory.services import absence_add, addressee_upsert, schedule_set
from hromada.directory.tests.factories import OFFICE_WEEK, GroupFactory

pytestmark = pytest.mark.browser

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PUBLIC = [
    "/",
    "/en/",
    "/accounts/signup/",
    "/accounts/login/",
    "/accounts/password/reset/",
    "/directory/",
    "/directory/?view=list",
    "/directory/?q=опалення",
    "/directory/?view=map",
    "/directory/kp-teplo/",
    "/directory/kp-teplo-dyrektor/",
    "/directory/groups/kp/",
    "/appeals/new/",
    "/appeals/new/?kind=corruption_report",
    "/no-such-page/",
]
SIGNED_IN = [
    "/cabinet/",
    "/cabinet/profile/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/appeals/",
    "/appeals/new/",
]


@pytest.fixture
def axe():
    if not AXE.exists():
        reason = "axe-core is not installed (make test runs npm ci)"
        if os.environ.get("HROMADA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"HROMADA_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return AXE.read_text()


@pytest.fixture
def city():
    GroupFactory(slug="kp", name="Комунальні підприємства")
    teplo = addressee_upsert(
        slug="kp-teplo",
        kind="communal_enterprise",
        name="КП «Тепломережа»",
        competencies=["Опалення"],
        groups=["kp"],
        phones=["0671234567"],
        emails=["teplo@novoiarsk.example"],
        office_address="вул. Заводська, 7",
        latitude=49.08,
        longitude=33.36,
    )
    schedule_set(addressee=teplo, week=OFFICE_WEEK)
    director = addressee_upsert(
        slug="kp-teplo-dyrektor", kind="official", name="Директор", parent=teplo
    )
    from django.utils import timezone

    today = timezone.localdate()
    absence_add(
        addressee=director, kind="vacation", starts_on=today, ends_on=today, substitute=teplo
    )


def violations(page, axe: str) -> list[str]:
    page.add_script_tag(content=axe)
    result = page.evaluate("async (rules) => await axe.run(document, {runOnly: rules})", RULES)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]


def test_public_pages_pass_an_accessibility_audit(page, axe, city):
    found = {}
    for path in PUBLIC:
        page.goto(path)
        found[path] = violations(page, axe)
    assert {path: found[path] for path in PUBLIC if found[path]} == {}


def test_signed_in_pages_and_a_form_with_errors_pass_too(page, axe):
    user = UserFactory(last_name="", postal_address="")
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/cabinet/")
    found = {}
    for path in SIGNED_IN:
        page.goto(path)
        found[path] = violations(page, axe)
    page.goto("/cabinet/profile/")
    page.locator("input[name=phone]").fill("12")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    found["profile with errors"] = violations(page, axe)
    assert {path: problems for path, problems in found.items() if problems} == {}
    assert len(found) == len(SIGNED_IN) + 1


def test_back_office_pages_pass_too(page, axe, settings):
    from hromada.accounts.roles import Role
    from hromada.appeals.tests.factories import staff_of, submit
    from hromada.directory.tests.factories import AddresseeFactory

    settings.STAFF_MFA_REQUIRED = False  # the audit is of the pages, not of the second factor
    addressee = AddresseeFactory()
    operator = UserFactory(roles=[Role.OPERATOR])
    staff_of(addressee, responsible=True)
    appeal = submit(addressee=addressee)
    submit(addressee=None)  # one waits in triage
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(operator.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    paths = [
        "/office/appeals/",
        "/office/appeals/?queue=all",
        f"/office/appeals/{appeal.pk}/",
        "/office/appeals/new/",
        "/office/appeals/journal/",
        "/en/office/appeals/?queue=all",
    ]
    found = {}
    for path in paths:
        page.goto(path)
        found[path] = violations(page, axe)
    # An action refused with errors beside its fields.
    page.goto(f"/office/appeals/{appeal.pk}/")
    page.locator("#action-return summary").click()
    page.locator("#action-return form").evaluate("form => { form.noValidate = true; }")
    page.locator("#action-return button[type=submit]").click()
    page.wait_for_load_state()
    found["return without an explanation"] = violations(page, axe)
    assert {path: problems for path, problems in found.items() if problems} == {}


def test_queue_pages_and_the_desk_pass_too(page, axe, settings):
    from hromada.equeue.tests.factories import book, make_queue, staff_of

    settings.STAFF_MFA_REQUIRED = False  # the audit is of the pages, not of the second factor
    queue = make_queue(weekdays=range(7), horizon_days=7)
    specialist = staff_of(queue)
    from django.utils import timezone

    from hromada.equeue.selectors import next_free

    booking = book(queue, starts_at=next_free(queue, queue.services.get())[-1], now=timezone.now())
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(specialist.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    day = timezone.localtime(booking.starts_at).date().isoformat()
    paths = [
        "/queue/",
        queue.get_absolute_url(),
        f"{queue.get_absolute_url()}?service={queue.services.get().pk}",
        f"/office/queue/?queue={queue.slug}&date={day}",
        f"/office/queue/?queue={queue.slug}&date={day}&number=Z-999",
        booking.get_absolute_url(),
        "/en/queue/",
    ]
    found = {}
    for path in paths:
        page.goto(path)
        found[path] = violations(page, axe)
    assert {path: problems for path, problems in found.items() if problems} == {}
