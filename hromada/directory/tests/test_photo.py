import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hromada.core.errors import ValidationFailed
from hromada.directory.services import addressee_set_photo
from hromada.directory.tests.factories import AddresseeFactory

pytestmark = pytest.mark.django_db


def picture(fmt: str = "PNG", size=(40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 74, 133)).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_real_picture_is_kept_under_a_random_name_and_served(client):
    addressee = AddresseeFactory(slug="cnap")
    addressee_set_photo(
        addressee=addressee, upload=SimpleUploadedFile("my face.jpg", picture("JPEG"))
    )
    addressee.refresh_from_db()
    assert addressee.photo.name.startswith("directory/photos/")
    assert addressee.photo.name.endswith(".jpg") and "face" not in addressee.photo.name
    response = client.get("/directory/cnap/photo/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", b"<?php system($_GET['c']); ?>"),  # a script named like a picture
        ("photo.jpg", b"%PDF-1.7 not a picture"),
        ("photo.png", picture("GIF")),  # a picture, but not of an accepted kind
    ],
)
def test_a_disguised_or_unaccepted_file_is_refused_and_nothing_changes(name, content):
    addressee = AddresseeFactory()
    with pytest.raises(ValidationFailed) as refusal:
        addressee_set_photo(addressee=addressee, upload=SimpleUploadedFile(name, content))
    assert refusal.value.field == "photo"
    addressee.refresh_from_db()
    assert not addressee.photo


def test_an_oversized_file_is_refused():
    addressee = AddresseeFactory()
    big = SimpleUploadedFile("big.png", picture() + b"\0" * 5_000_001)
    with pytest.raises(ValidationFailed, match="5"):
        addressee_set_photo(addressee=addressee, upload=big)


def test_photos_of_unpublished_addressees_are_not_served(client):
    addressee = AddresseeFactory(slug="hidden", is_published=False)
    addressee_set_photo(addressee=addressee, upload=SimpleUploadedFile("a.png", picture()))
    assert client.get("/directory/hidden/photo/").status_code == 404
    assert client.get("/directory/nobody/photo/").status_code == 404


def test_the_photo_address_carries_its_version_and_only_that_is_cached_for_good(client):
    addressee = AddresseeFactory(slug="versioned")
    addressee_set_photo(addressee=addressee, upload=SimpleUploadedFile("a.png", picture()))
    addressee.refresh_from_db()
    version = addressee.photo.name.rsplit("/", 1)[1].rsplit(".", 1)[0]
    url = f"/directory/versioned/photo/?v={version}"
    assert f'src="{url}"' in client.get("/directory/versioned/").content.decode()
    api = client.get("/api/v1/directory/addressees/versioned").json()
    assert api["photo_url"].endswith(url)
    assert client.get(url)["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/directory/versioned/photo/")["Cache-Control"] == "no-cache"
    assert client.get("/directory/versioned/photo/?v=old")["Cache-Control"] == "no-cache"
