"""Filing a problem report in three steps: the point (map, location or address), the
category, the description and photos; nearby open reports offered first; bad input refused
with a clear message and nothing saved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hromada.accounts.tests.factories import UserFactory
from hromada.appeals.models import Appeal, Attachment
from hromada.appeals.tests.factories import OUTSIDE, pdf, png
from hromada.situation.models import AppealFact
from hromada.situation.tests.factories import INSIDE, CategoryFactory, address, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(db):
    return UserFactory()


@pytest.fixture
def client(resident):
    client = Client()
    client.force_login(resident)
    return client


def nothing_saved():
    return (Appeal.objects.count(), Attachment.objects.count(), AppealFact.objects.count())


def to_step_three(client, category, point=INSIDE):
    response = client.post("/en/map/new/", {**point, "location_text": "біля зупинки"})
    assert response.status_code == 302, response.content.decode()
    response = client.post("/en/map/new/category/", {"category": category.pk})
    assert response["Location"] == "/en/map/new/details/"


def test_a_resident_files_a_report_in_three_steps(centre, client, resident):
    roads = CategoryFactory(name="Дороги")
    to_step_three(client, roads)
    response = client.post(
        "/en/map/new/details/",
        {"subject": "Яма", "text": "Глибока яма.", "is_public": "on", "photos": [png(), png()]},
    )
    appeal = Appeal.objects.get()
    assert response["Location"] == f"/en/map/reports/{appeal.pk}/"
    assert (appeal.author, appeal.category, appeal.is_public) == (resident, roads, True)
    assert appeal.location_text == "біля зупинки" and appeal.attachments.count() == 2
    assert AppealFact.objects.get(pk=appeal.pk).district_id == centre.pk


def test_the_point_can_come_from_the_address_register(centre, client):
    found = address(street="вул. Шевченка", house="12")
    page = client.get("/en/map/new/", {"address_query": "шевченка 12"}).content.decode()
    assert "вул. Шевченка, 12" in page
    client.post("/en/map/new/", {"address": found.pk})
    client.post("/en/map/new/category/", {"category": CategoryFactory().pk})
    client.post("/en/map/new/details/", {"subject": "Яма", "text": "Яма.", "is_public": "on"})
    appeal = Appeal.objects.get()
    assert (appeal.latitude, appeal.longitude) == (found.latitude, found.longitude)
    assert appeal.location_text == "вул. Шевченка, 12"


def test_a_point_outside_the_community_is_refused(centre, client):
    response = client.post("/en/map/new/", OUTSIDE)
    assert response.status_code == 200
    assert "The point lies outside the community" in response.content.decode()
    assert "situation_report_draft" not in client.session
    response = client.post("/en/map/new/", {})
    assert "Put the point on the map" in response.content.decode()


def test_open_reports_nearby_are_offered_before_filing(centre, client):
    roads = CategoryFactory()
    near = report(category=roads, subject="Яма вже є", latitude=50.0005, longitude=30.0005)
    report(category=roads, subject="Далека яма", latitude=50.05, longitude=30.05)
    report(category=CategoryFactory(), subject="Інша категорія")
    to_step_three(client, roads)
    page = client.get("/en/map/new/details/").content.decode()
    assert "Яма вже є" in page and "Support instead" in page
    assert "Далека яма" not in page and "Інша категорія" not in page
    api = client.get("/api/v1/situation/reports/nearby", {**INSIDE, "category": roads.pk}).json()
    assert [item["id"] for item in api] == [near.pk]


@pytest.mark.parametrize(
    ("photos", "message"),
    [
        ([pdf("scan.png")], "«scan.png»: The file is not a picture"),
        (
            [SimpleUploadedFile("notes.jpg", b"plain text", content_type="image/jpeg")],
            "«notes.jpg»: The file is not a picture",
        ),
        ([png(f"{n}.png") for n in range(20)], "At most 5 photos at once; you chose 20."),
    ],
)
def test_bad_photos_are_refused_and_nothing_is_saved(centre, client, photos, message):
    to_step_three(client, CategoryFactory())
    before = nothing_saved()
    response = client.post(
        "/en/map/new/details/",
        {"subject": "Яма", "text": "Яма.", "is_public": "on", "photos": photos},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert nothing_saved() == before


def test_anonymous_visitors_are_asked_to_sign_in(centre):
    page = Client().get("/en/map/new/").content.decode()
    assert "Sign in to report a problem" in page
    assert Client().post("/en/map/new/", INSIDE).status_code == 200
    assert "situation_report_draft" not in Client().session
