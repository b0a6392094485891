"""The moderators' pages and the admin: the same services, errors shown in Ukrainian."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory
from hromada.core.models import AuditEvent
from hromada.news.models import Post, PostFile
from hromada.news.tests.factories import make_district, make_post, pdf, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def form(addressee, **fields):
    return {
        "addressee": addressee.pk,
        "category": "announcement",
        "title": "Толока в парку",
        "body": "Запрошуємо всіх.\n\nЗбір о 10:00.",
        "district": make_district().pk,
        "tags": "благоустрій, толока",
        **fields,
    }


def test_publishing_from_the_office_with_a_picture(addressee, office):
    response = office.post(
        "/office/news/new/",
        {**form(addressee, image_alt="Парк"), "images": [png(), png("b.png")], "intent": "publish"},
    )
    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/office/news/{post.pk}/"
    assert post.state == Post.State.PUBLISHED and post.files.count() == 2
    page = office.get(f"/office/news/{post.pk}/").content.decode()
    assert "news.post_created" in page and "Зняти з публікації" in page


def test_scheduling_from_the_office_and_its_errors_in_ukrainian(addressee, office):
    response = office.post("/office/news/new/", {**form(addressee), "intent": "schedule"})
    assert "Вкажіть дату й час публікації." in response.content.decode()
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = office.post(
        "/office/news/new/", {**form(addressee, publish_at=past), "intent": "schedule"}
    )
    assert "Час публікації минув." in response.content.decode()
    response = office.post(
        "/office/news/new/",
        {**form(addressee), "attachments": [png("x.exe")], "title": "", "intent": "draft"},
    )
    assert "Це поле обов" in response.content.decode()
    assert not Post.objects.exists()
    later = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    office.post("/office/news/new/", {**form(addressee, publish_at=later), "intent": "schedule"})
    assert Post.objects.get().state == Post.State.SCHEDULED


def test_editing_and_unpublishing_from_the_office(addressee, office):
    post = make_post(addressee=addressee)
    response = office.post(
        f"/office/news/{post.pk}/",
        {
            "category": "notice",
            "title": "Виправлений заголовок",
            "body": "Новий текст",
            "tags": "вода",
        },
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "Виправлений заголовок" and post.district is None
    office.post(f"/office/news/{post.pk}/unpublish/", {"reason": "Застаріло"})
    post.refresh_from_db()
    assert post.state == Post.State.UNPUBLISHED
    response = office.post(f"/office/news/{post.pk}/unpublish/", follow=True)
    assert "Зняти з публікації можна лише" in response.content.decode()
    later = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    office.post(f"/office/news/{post.pk}/schedule/", {"publish_at": later})
    post.refresh_from_db()
    assert post.state == Post.State.SCHEDULED
    assert office.post(f"/office/news/{post.pk}/delete/").status_code == 404


def test_a_moderator_sees_only_their_addressees_posts(addressee, office):
    make_post(addressee=addressee, title="Свій допис")
    make_post(title="Чужий допис")
    page = office.get("/office/news/").content.decode()
    assert "Свій допис" in page and "Чужий допис" not in page


def test_the_admin_writes_and_unpublishes_through_the_services(addressee):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/news/post/add/",
        {
            "addressee": addressee.pk,
            "category": "news",
            "title": "З адмінки",
            "body": "Текст",
            "district": "",
            "tag_names": "адмінка",
            "files-TOTAL_FORMS": "0",
            "files-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    post = Post.objects.get()
    assert post.state == Post.State.DRAFT and list(post.tags.values_list("name", flat=True)) == [
        "адмінка"
    ]
    assert AuditEvent.objects.filter(action="news.post_created", actor=admin).exists()
    client.post(
        "/admin/news/post/",
        {"action": "publish_now", "_selected_action": [post.pk]},
    )
    post.refresh_from_db()
    assert post.state == Post.State.PUBLISHED
    assert client.get("/admin/news/post/").status_code == 200
    assert client.get(f"/admin/news/post/{post.pk}/change/").status_code == 200


def _admin_form(addressee, **extra):
    return {
        "addressee": addressee.pk,
        "category": "news",
        "title": "Фото з толоки",
        "body": "Дякуємо всім.",
        "district": "",
        "tag_names": "толока",
        "files-TOTAL_FORMS": "0",
        "files-INITIAL_FORMS": "0",
        **extra,
    }


def test_the_admin_adds_and_removes_files_through_the_content_check(addressee):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    client = Client()
    client.force_login(admin)
    # A text file named as a picture is refused by its content, and nothing is written.
    fake = SimpleUploadedFile("photo.png", b"not a picture at all", content_type="image/png")
    response = client.post("/admin/news/post/add/", _admin_form(addressee, images=[fake]))
    assert response.status_code == 200
    assert Post.objects.count() == 0 and PostFile.objects.count() == 0
    assert 'enctype="multipart/form-data"' in response.content.decode()

    response = client.post(
        "/admin/news/post/add/",
        _admin_form(addressee, images=[png()], image_alt="Люди з граблями", attachments=[pdf()]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    post = Post.objects.get()
    files = {f.kind: f for f in post.files.all()}
    assert files["image"].alt == "Люди з граблями" and files["image"].content_type == "image/png"
    assert files["attachment"].content_type == "application/pdf"
    event = AuditEvent.objects.get(action="news.post_created", actor=admin)
    assert sorted(event.payload["files"]) == ["photo.png", "rishennia.pdf"]

    page = client.get(f"/admin/news/post/{post.pk}/change/").content.decode()
    assert "rishennia.pdf" in page and 'name="remove_files"' in page
    response = client.post(
        f"/admin/news/post/{post.pk}/change/",
        {
            **_admin_form(addressee),
            "files-TOTAL_FORMS": "2",
            "files-INITIAL_FORMS": "2",
            "files-0-id": files["image"].pk,
            "files-0-post": post.pk,
            "files-1-id": files["attachment"].pk,
            "files-1-post": post.pk,
            "remove_files": [files["attachment"].pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(post.files.values_list("kind", flat=True)) == ["image"]
