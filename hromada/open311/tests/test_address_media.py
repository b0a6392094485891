"""A request without a point, found by its address_id or address_string in the city's address
register; and
the picture at media_url, fetched in the background from a server on loopback: kept privately
with the appeal when it is a picture, recorded and ignored when it is not."""

import io
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import translation
from django_tasks_db.models import DBTaskResult
from PIL import Image

from hromada.appeals.models import Appeal, Attachment
from hromada.open311 import geocoding
from hromada.open311.models import MediaState, Open311Request
from hromada.open311.tasks import open311_media_fetch
from hromada.open311.tests.test_create import nothing_written, post
from hromada.situation.services import address_upsert

pytestmark = pytest.mark.django_db

NO_POINT = {"lat": None, "long": None}


@pytest.fixture
def register(city):
    address_upsert(street="вул. Ринкова", house="2", latitude=50.001, longitude=30.002, code="R-2")
    address_upsert(street="вул. Ринкова", house="12а", latitude=50.003, longitude=30.004)
    address_upsert(street="просп. Шевченка", house="2", latitude=50.005, longitude=30.006)
    address_upsert(street="вул. Тараса Шевченка", house="2", latitude=50.007, longitude=30.008)


@pytest.mark.parametrize(
    ("text", "point"),
    [
        ("вул. Ринкова, 2", (50.001, 30.002)),
        ("Ринкова 2, м. Новоярськ, Україна, 20300", (50.001, 30.002)),
        ("вулиця РИНКОВА, буд. 12А", (50.003, 30.004)),
        ("Тараса Шевченка, 2", (50.007, 30.008)),
        ("Шевченка, 2", None),  # two streets: never a guess
        ("вул. Ринкова, 7", None),
        ("Соборна, 2", None),
        ("вул. Ринкова", None),
    ],
)
def test_the_register_finds_one_address_or_none(register, text, point):
    found = geocoding.address_for(text)
    assert (found and (found.latitude, found.longitude)) == point or (found is None is point)


def test_a_request_with_only_an_address_is_filed_at_its_point(client, key, register):
    _key, plain = key
    response = post(client, plain, **NO_POINT, address_string="Ринкова 12а, Новоярськ")
    assert response.status_code == 201, response.content
    appeal = Appeal.objects.get(pk=response.json()[0]["service_request_id"])
    assert (appeal.latitude, appeal.longitude) == (50.003, 30.004)
    assert appeal.location_text == "вул. Ринкова, 12а"


def test_a_request_with_only_an_address_id_is_filed_at_that_register_address(client, key, register):
    _key, plain = key
    # The code is exact and wins over the words, which here name another house.
    response = post(
        client, plain, **NO_POINT, address_id=" R-2 ", address_string="вул. Ринкова, 12а"
    )
    assert response.status_code == 201, response.content
    appeal = Appeal.objects.get(pk=response.json()[0]["service_request_id"])
    assert (appeal.latitude, appeal.longitude) == (50.001, 30.002)
    assert appeal.location_text == "вул. Ринкова, 2"
    [record] = client.get(f"/open311/v2/requests/{appeal.pk}.json").json()
    assert (record["address_id"], record["address"]) == ("R-2", "вул. Ринкова, 2")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_address_id_is_a_400_and_words_are_not_tried_instead(client, key, register, fmt):
    _key, plain = key
    response = post(
        client, plain, fmt=fmt, **NO_POINT, address_id="R-404", address_string="Ринкова 2"
    )
    assert response.status_code == 400
    if fmt == "json":
        [error] = response.json()
        assert error["code"] == 400 and "address_id" in error["description"]
    else:
        assert b"<code>400</code>" in response.content and b"address_id" in response.content
    assert nothing_written()


def test_the_location_refusals_speak_ukrainian_to_a_ukrainian_client(client, key, register):
    _key, plain = key
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "uk"
    unknown = post(client, plain, **NO_POINT, address_id="R-404")
    assert unknown.json()[0]["description"] == (
        "Адреси з таким address_id в адресному реєстрі міста немає: надішліть код реєстру, "
        "address_string або lat і long."
    )
    nowhere = post(client, plain, **NO_POINT)
    assert nowhere.json()[0]["description"] == (
        "Потрібне місце: lat і long, address_string або address_id."
    )


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_address_is_a_400_in_the_standards_shape(client, key, register, fmt):
    _key, plain = key
    response = post(client, plain, fmt=fmt, **NO_POINT, address_string="вул. Соборна, 99")
    assert response.status_code == 400
    if fmt == "json":
        [error] = response.json()
        assert error["code"] == 400 and "address register" in error["description"]
    else:
        assert b"<code>400</code>" in response.content
    assert nothing_written()


# --- media_url ------------------------------------------------------------------------------


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


class Pictures(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.served: list[str] = []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.served.append(self.path)
        if self.path == "/slow.png":
            time.sleep(2)
        if self.path == "/moved.png":
            self.send_response(302)
            self.send_header("Location", "/photo.png")
            self.end_headers()
            return
        if self.path == "/missing.png":
            self.send_error(404)
            return
        body = {
            "/photo.png": _png(),
            "/slow.png": _png(),
            "/page.png": b"<html><body>not a picture</body></html>",
            "/big.png": _png() + b"\0" * 5000,
        }[self.path]
        self.send_response(200)
        self.send_header("Content-Type", "image/png")  # what it claims, not what it is
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def pictures(settings):
    settings.OPEN311_MEDIA_ALLOW_PRIVATE = True  # the test's server is on loopback
    settings.OPEN311_MEDIA_TIMEOUT_SECONDS = 0.5
    settings.APPEAL_ATTACHMENT_MAX_BYTES = 4000
    server = Pictures()
    server.thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _filed(client, key, url, django_capture_on_commit_callbacks) -> Open311Request:
    _key, plain = key
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, plain, media_url=url)
    assert response.status_code == 201, response.content
    # The fetch is enqueued once the request is committed, not done while the partner waits.
    assert DBTaskResult.objects.filter(task_path__endswith="open311_media_fetch").count() == 1
    record = Open311Request.objects.get(pk=response.json()[0]["service_request_id"])
    assert record.media_state == MediaState.PENDING
    return record


def test_a_picture_is_fetched_and_kept_privately_with_the_appeal(
    client, key, pictures, django_capture_on_commit_callbacks
):
    record = _filed(client, key, pictures.url("/photo.png"), django_capture_on_commit_callbacks)
    assert open311_media_fetch.call(record.pk) == MediaState.STORED
    [photo] = Attachment.objects.filter(appeal=record.appeal)
    assert (photo.content_type, photo.original_name, photo.size) == (
        "image/png",
        "photo.png",
        len(_png()),
    )
    assert photo.file.name.startswith("appeals/") and "photo" not in photo.file.name
    with photo.file.open("rb") as stored:
        assert stored.read() == _png()
    # Fetched once: a second run (a retried task) changes nothing.
    assert open311_media_fetch.call(record.pk) == MediaState.STORED
    assert Attachment.objects.filter(appeal=record.appeal).count() == 1


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/page.png", "not a picture"),
        ("/big.png", "larger than the limit"),
        ("/slow.png", "could not be fetched in time"),
        ("/moved.png", "redirects elsewhere"),
        ("/missing.png", "answered 404"),
    ],
)
def test_what_is_not_a_picture_is_recorded_and_ignored(
    client, key, pictures, django_capture_on_commit_callbacks, path, why
):
    record = _filed(client, key, pictures.url(path), django_capture_on_commit_callbacks)
    with translation.override("en"):  # the worker's language: the test client's request left uk
        assert open311_media_fetch.call(record.pk) == MediaState.REFUSED
    record.refresh_from_db()
    assert record.media_state == MediaState.REFUSED and why in record.media_note
    assert not Attachment.objects.filter(appeal=record.appeal).exists()
    assert record.appeal.is_open  # the request itself stands


def test_private_addresses_are_not_fetched_unless_allowed(
    client, key, pictures, settings, django_capture_on_commit_callbacks
):
    record = _filed(client, key, pictures.url("/photo.png"), django_capture_on_commit_callbacks)
    settings.OPEN311_MEDIA_ALLOW_PRIVATE = False
    with translation.override("en"):
        assert open311_media_fetch.call(record.pk) == MediaState.REFUSED
    record.refresh_from_db()
    assert "private network" in record.media_note
    assert not Attachment.objects.exists()


def test_a_name_that_turns_private_after_the_check_is_refused_before_sending(
    client, key, pictures, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """DNS rebinding: the name answers a public address to the check, then loopback to the
    connection; the socket's real peer is judged, and nothing is sent to it."""
    port = pictures.server_address[1]
    url = f"http://pictures.example:{port}/photo.png"
    record = _filed(client, key, url, django_capture_on_commit_callbacks)
    settings.OPEN311_MEDIA_ALLOW_PRIVATE = False
    resolve = socket.getaddrinfo
    answers = iter(["93.184.216.34"])  # the first answer is public, every later one loopback

    def rebinding(host, *args, **kwargs):
        if host != "pictures.example":
            return resolve(host, *args, **kwargs)
        return resolve(next(answers, "127.0.0.1"), *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with translation.override("en"):
        assert open311_media_fetch.call(record.pk) == MediaState.REFUSED
    record.refresh_from_db()
    assert "private network" in record.media_note
    assert pictures.served == []
    assert not Attachment.objects.exists()
