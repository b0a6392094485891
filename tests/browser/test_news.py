"""The city news in the browser, on a phone, in Ukrainian: a moderator publishes a post with a
picture; a resident finds it in the digest by topic, reads it, subscribes to the selection,
changes the subscription in the cabinet and unsubscribes. Every page audited with axe-core."""

import pytest
from playwright.sync_api import expect

from hromada.accounts.tests.factories import UserFactory
from hromada.directory.tests.factories import AddresseeFactory
from hromada.news.models import Post, Subscription
from hromada.news.tests.factories import make_district, make_post, moderator_of

from .support import path_is, tr
from .test_accessibility import violations
from .test_appeals import axe, log_in, photo, submit  # noqa: F401  (axe is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_moderator_publishes_and_a_resident_subscribes(page, new_page, axe, tmp_path, settings):  # noqa: F811
    settings.STAFF_MFA_REQUIRED = False
    addressee = AddresseeFactory(slug="vodokanal", name="КП «Водоканал»")
    make_district()
    make_post(title="Концерт у парку", tags=["свято"])
    found = {}

    moderator = moderator_of(addressee)
    log_in(page, moderator)
    page.goto("/office/news/new/")
    found["new post"] = violations(page, axe)
    page.get_by_label(tr("Category")).select_option("notice")
    page.get_by_label(tr("Title")).fill("Відключення води на Соборній")
    page.get_by_label(tr("Text")).fill("У п’ятницю з 9:00 до 17:00.\n\nПідвіз води організовано.")
    page.get_by_label(tr("District")).select_option(label="Центральний район")
    page.get_by_label(tr("Topics")).fill("вода, відключення")
    page.get_by_label(tr("Pictures")).set_input_files(str(photo(tmp_path)))
    page.get_by_label(tr("What the pictures show")).fill("Схема ділянки")
    submit(page, page.get_by_role("button", name=tr("Publish now")))
    post = Post.objects.get(addressee=addressee)
    assert post.state == Post.State.PUBLISHED and post.files.count() == 1
    expect(page).to_have_url(path_is(f"/office/news/{post.pk}/"))
    found["edit post"] = violations(page, axe)

    resident = UserFactory(first_name="Тарас")
    reader = new_page()
    log_in(reader, resident)
    reader.goto("/news/")
    found["digest"] = violations(reader, axe)
    reader.get_by_label(tr("Topic")).select_option(label="вода")
    submit(reader, reader.get_by_role("button", name=tr("Show")))
    expect(reader.locator(".news-item")).to_have_count(1)
    expect(reader.locator('link[rel="alternate"][type="application/rss+xml"]')).to_have_attribute(
        "href", "/news/feed/rss/?tag=%D0%B2%D0%BE%D0%B4%D0%B0"
    )
    submit(reader, reader.get_by_role("link", name="Відключення води на Соборній"))
    expect(reader.get_by_role("img", name="Схема ділянки")).to_be_visible()
    found["post"] = violations(reader, axe)
    reader.go_back()

    submit(reader, reader.get_by_role("link", name=tr("Subscribe to this selection")))
    found["subscribe"] = violations(reader, axe)
    reader.get_by_label(tr("Telegram")).check()
    reader.get_by_label(tr("Once a day, in a digest")).check()
    submit(reader, reader.get_by_role("button", name=tr("Subscribe")))
    expect(reader).to_have_url(path_is("/news/subscriptions/"))
    subscription = Subscription.objects.get(user=resident)
    assert subscription.tag.name == "вода" and subscription.frequency == "daily"
    assert subscription.channels == ["inbox", "email", "telegram"]
    found["subscriptions"] = violations(reader, axe)

    submit(reader, reader.get_by_role("link", name=tr("Change")))
    reader.get_by_label(tr("E-mail")).uncheck()
    submit(reader, reader.get_by_role("button", name=tr("Save")))
    subscription.refresh_from_db()
    assert subscription.channels == ["inbox", "telegram"]
    submit(reader, reader.get_by_role("button", name=tr("Unsubscribe")))
    assert not Subscription.objects.exists()
    assert {name: problems for name, problems in found.items() if problems} == {}
