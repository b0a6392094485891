"""POST /requests: a real problem report through the appeals' intake, with the standard's
error answers for a bad key, an unknown service, a missing location and a long description."""

import pytest
import time_machine
from django.utils import timezone

from hromada.accounts.tests.factories import UserFactory
from hromada.appeals.models import Appeal, Channel, Event, Kind
from hromada.integrations.models import ApiKey
from hromada.integrations.services import api_key_revoke
from hromada.integrations.tests.factories import open311_key
from hromada.messaging.models import Delivery
from hromada.open311.models import Open311Request
from hromada.open311.tests.support import POINT, resident, xml_items

pytestmark = pytest.mark.django_db


def post(client, plain, fmt="json", **fields):
    data = {
        "api_key": plain,
        "service_code": "roads",
        "attribute[size]": "small",
        **POINT,
        **resident(),
        "description": "Яма біля зупинки «Ринок»",
        **fields,
    }
    return client.post(
        f"/open311/v2/requests.{fmt}", {k: v for k, v in data.items() if v is not None}
    )


def nothing_written():
    return not Appeal.objects.exists() and not Open311Request.objects.exists()


def test_post_files_a_public_problem_report_through_the_intake(client, key, city):
    _key, plain = key
    response = post(
        client,
        plain,
        **{
            "attribute[kinds][]": ["pothole", "curb"],
            "attribute[depth]": "12.5",
            "device_id": "phone-7",
            "account_id": "u-42",
            "media_url": "https://misto.example/p/1.jpg",
            "address_string": "вул. Ринкова, 2",
        },
    )
    assert response.status_code == 201, response.content
    [answer] = response.json()
    assert set(answer) == {"service_request_id", "token", "service_notice", "account_id"}
    appeal = Appeal.objects.get(pk=answer["service_request_id"])
    assert appeal.kind == Kind.PROBLEM_REPORT and appeal.is_public
    assert appeal.channel == Channel.API and appeal.is_open
    assert appeal.author is None and appeal.registered_by is None
    assert (appeal.author_last_name, appeal.author_first_name) == ("Петренко", "Оксана")
    assert appeal.author_email == "o@example.com"
    assert appeal.addressee == city["agency"] and appeal.due_at > timezone.now()
    assert appeal.location_text == "вул. Ринкова, 2"
    assert "Розмір: Невелика" in appeal.text and "Що саме: Яма, Бордюр" in appeal.text
    assert appeal.events.filter(action=Event.Action.SUBMITTED).exists()
    # The resident is told it was accepted, like any appeal.
    assert Delivery.objects.filter(
        message__source=f"appeals.appeal:{appeal.pk}", address="o@example.com"
    ).exists()
    extra = appeal.open311
    assert extra.attributes == {"size": "small", "kinds": ["pothole", "curb"], "depth": "12.5"}
    assert extra.partner == _key.partner and extra.device_id == "phone-7"
    assert answer["account_id"] == "u-42" and appeal.number in answer["service_notice"]
    # The token finds the request; the request is public and carries the media_url.
    token = client.get(f"/open311/v2/tokens/{answer['token']}.json").json()
    assert token == [{"service_request_id": str(appeal.pk), "token": answer["token"]}]
    record = client.get(f"/open311/v2/requests/{appeal.pk}.json").json()[0]
    assert record["media_url"] == "https://misto.example/p/1.jpg"
    assert "Петренко" not in str(record) and "o@example.com" not in str(record)


def test_post_answers_in_xml(client, key):
    _key, plain = key
    response = post(client, plain, fmt="xml")
    assert response.status_code == 201
    [item] = xml_items(response, "service_requests", "request")
    assert set(item) == {"service_request_id", "token", "service_notice", "account_id"}
    assert Appeal.objects.filter(pk=item["service_request_id"]).exists()
    token = xml_items(
        client.get(f"/open311/v2/tokens/{item['token']}.xml"), "service_requests", "request"
    )
    assert token == [{"service_request_id": item["service_request_id"], "token": item["token"]}]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_missing_or_revoked_key_is_403(client, key, fmt):
    _key, plain = key
    for wrong in ("", "hrm_nothing_here", plain[:-2] + "xx", "garbage"):
        response = post(client, wrong, fmt=fmt)
        assert response.status_code == 403
    admin = UserFactory(roles=["administrator"])
    api_key_revoke(actor=admin, key_id=_key.pk)
    response = post(client, plain, fmt=fmt)
    assert response.status_code == 403
    if fmt == "json":
        assert response.json() == [
            {"code": 403, "description": "The api_key is missing, unknown or revoked."}
        ]
    else:
        assert xml_items(response, "errors", "error")[0]["code"] == "403"
    assert nothing_written()


def test_inactive_partner_key_and_json_api_key_are_403(client, key):
    from hromada.integrations.tests.factories import api_key

    _key, plain = key
    _key.partner.is_active = False
    _key.partner.save()
    assert post(client, plain).status_code == 403
    _mobile, mobile_plain = api_key(UserFactory())
    assert post(client, mobile_plain).status_code == 403
    assert nothing_written()


@pytest.mark.parametrize(
    "fields, status, message",
    [
        ({"service_code": "nope"}, 404, "No service with this code."),
        ({"service_code": "letters"}, 404, "No service with this code."),
        ({"service_code": ""}, 400, "service_code is required."),
        (
            {"lat": "", "long": ""},
            400,
            "A location is required: lat and long, address_string or address_id.",
        ),
        (
            {"lat": None, "long": None, "address_id": "NVR-404"},
            400,
            "No address with this address_id in the city's address register: send the "
            "register's code, an address_string, or lat and long.",
        ),
        (
            {"lat": None, "long": None, "address_string": "вул. Ринкова, 2"},
            400,
            "The address_string is not in the city's address register (or names several "
            "addresses): send the street and house number, or lat and long.",
        ),
        ({"lat": "north"}, 400, "lat is not a number."),
        (
            {"lat": "48.0", "long": "35.0"},
            400,
            "The point lies outside the community: choose a place within it.",
        ),
        (
            {"description": "я" * 4001},
            400,
            "The description is at most 4000 characters (now 4001).",
        ),
        (
            {"first_name": "", "last_name": ""},
            400,
            "Law 393/96-ВР does not consider anonymous appeals (art. 8): send the resident's "
            "first_name and last_name.",
        ),
        ({"email": ""}, 400, "Send the resident's email or phone: the answer goes there (art. 5)."),
        ({"email": "not-an-email"}, 400, "The email is not valid."),
        ({"media_url": "javascript:alert(1)"}, 400, "The media_url is not a web address."),
        ({"attribute[size]": ""}, 400, "The attribute size is required."),
        ({"attribute[size]": "huge"}, 400, "The attribute size does not take this value."),
        ({"attribute[depth]": "deep"}, 400, "The attribute depth does not take this value."),
        ({"attribute[colour]": "red"}, 400, "This service has no attribute colour."),
        ({"jurisdiction_id": "elsewhere"}, 404, "Unknown jurisdiction_id."),
    ],
)
def test_bad_input_gets_the_standards_answer_and_writes_nothing(
    client, key, fields, status, message
):
    _key, plain = key
    response = post(client, plain, **fields)
    assert response.status_code == status
    assert response.json() == [{"code": status, "description": message}]
    assert nothing_written()


def test_description_of_exactly_4000_characters_is_accepted(client, key):
    _key, plain = key
    assert post(client, plain, description="я" * 4000).status_code == 201


def test_phone_instead_of_email_is_enough(client, key):
    _key, plain = key
    assert post(client, plain, email="", phone="+380671234567").status_code == 201


# The limits count per clock minute: each test stays inside one, whenever it runs.
MID_MINUTE = timezone.now().replace(second=20, microsecond=0)


@time_machine.travel(MID_MINUTE, tick=False)
def test_the_keys_rate_limit_refuses_with_429(client, city):
    _key, plain = open311_key(rate_limit=2)
    assert post(client, plain).status_code == 201
    assert post(client, plain).status_code == 201
    response = post(client, plain)
    assert response.status_code == 429
    assert response.json()[0]["code"] == 429 and int(response["Retry-After"]) <= 60
    assert Appeal.objects.count() == 2
    # Another key of the same partner has its own count.
    _other, other_plain = open311_key(_key.partner, rate_limit=2)
    assert post(client, other_plain).status_code == 201


@time_machine.travel(MID_MINUTE, tick=False)
def test_the_address_limit_covers_reads(client, city, settings):
    settings.API_RATE_LIMIT_PER_ADDRESS = 3
    for _ in range(3):
        assert client.get("/open311/v2/services.json").status_code == 200
    response = client.get("/open311/v2/services.xml")
    assert response.status_code == 429
    assert xml_items(response, "errors", "error")[0]["code"] == "429"
    other = client.get("/open311/v2/services.json", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_key_use_is_recorded_and_keys_are_stored_hashed(client, key):
    _key, plain = key
    post(client, plain)
    stored = ApiKey.objects.get(pk=_key.pk)
    assert stored.last_used_at is not None
    assert plain not in (stored.secret_hash, stored.prefix) and len(stored.secret_hash) == 64
