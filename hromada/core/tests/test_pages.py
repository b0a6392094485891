import json
import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_home_page_is_ukrainian_by_default(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="uk">' in html
    assert "Перейти до основного вмісту" in html  # skip link
    assert 'href="#main"' in html and 'id="main"' in html


def test_english_lives_under_en(client):
    html = client.get("/en/").content.decode()
    assert '<html lang="en">' in html
    assert "Skip to main content" in html
    assert "Novoiarsk City Council" in html


def test_language_switcher_goes_to_the_same_page_in_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/"


def test_unknown_page_is_a_friendly_ukrainian_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Сторінку не знайдено" in html
    assert "Traceback" not in html


def test_forbidden_is_a_friendly_ukrainian_403(client, settings):
    settings.ROOT_URLCONF = "hromada.core.tests.urls"
    response = client.get("/forbidden/")
    assert response.status_code == 403
    assert "Доступ заборонено" in response.content.decode()


def test_a_crash_is_a_friendly_ukrainian_500_without_details(settings):
    settings.ROOT_URLCONF = "hromada.core.tests.urls"
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Щось пішло не так" in html
    assert "a bug" not in html and "Traceback" not in html


def test_every_response_carries_a_request_id(client):
    first = client.get("/")["X-Request-ID"]
    second = client.get("/")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_sane_incoming_request_id_is_kept_and_a_forged_one_replaced(client):
    assert client.get("/", HTTP_X_REQUEST_ID="proxy-abc-12345")["X-Request-ID"] == "proxy-abc-12345"
    forged = client.get("/", HTTP_X_REQUEST_ID='x" injected\nline')["X-Request-ID"]
    assert forged != 'x" injected\nline' and len(forged) == 32


def test_each_request_is_logged_once_as_json_with_its_id(client, caplog):
    caplog.set_level(logging.INFO, logger="hromada.request")
    response = client.get("/", HTTP_X_REQUEST_ID="trace-0001-abcd")
    records = [r for r in caplog.records if r.name == "hromada.request"]
    assert len(records) == 1
    handler = logging.getLogger().handlers[0]
    line = json.loads(handler.format(records[0]))
    assert line["request_id"] == "trace-0001-abcd" == response["X-Request-ID"]
    assert line["status"] == 200 and line["path"] == "/" and line["method"] == "GET"
    assert line["level"] == "INFO" and "duration_ms" in line


@pytest.mark.parametrize(
    ("page", "language", "target"),
    [
        ("/", "en", "/en/"),
        ("/en/", "uk", "/"),
        ("/en/accounts/login/", "uk", "/accounts/login/"),
        # Browsers send the query percent-encoded.
        ("/directory/?q=%D1%81%D0%BC", "en", "/en/directory/?q=%D1%81%D0%BC"),
    ],
)
def test_the_switcher_leads_to_the_same_page_in_the_other_language(client, page, language, target):
    html = client.get(page).content.decode()
    assert f'value="{target}"' in html.replace("&amp;", "&")
    response = client.post("/i18n/setlang/", {"language": language, "next": target})
    assert response["Location"] == target
