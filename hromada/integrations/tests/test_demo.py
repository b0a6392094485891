"""The demo partner and its Open311 key: loaded once, and the README's key really works."""

import io

import pytest

from hromada.accounts import demo as accounts
from hromada.appeals import demo as appeals
from hromada.appeals.models import Appeal
from hromada.core import demo as core
from hromada.directory import demo as directory
from hromada.integrations import demo, keys
from hromada.integrations.models import ApiKey, Partner
from hromada.open311.models import ServiceAttribute

pytestmark = pytest.mark.django_db


def test_the_demo_partner_key_files_a_report_through_open311(client):
    out = io.StringIO()
    for loader in (core, accounts, directory):
        loader.load(stdout=out)
    appeals.load(stdout=out, count=40, residents=40)
    demo.load(stdout=out)
    demo.load(stdout=out)  # idempotent
    assert Partner.objects.count() == 1 and ApiKey.objects.count() == 1
    assert ServiceAttribute.objects.filter(category__slug="roads").count() == 2
    key = ApiKey.objects.get()
    assert keys.matches(demo.DEMO_API_KEY, key.secret_hash)
    assert demo.DEMO_API_KEY in out.getvalue()
    services = client.get("/open311/v2/services.json").json()
    assert {"roads", "lighting"} <= {s["service_code"] for s in services}
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": demo.DEMO_API_KEY,
            "service_code": "roads",
            "attribute[size]": "medium",
            "lat": "49.1052",
            "long": "33.4011",
            "first_name": "Олена",
            "last_name": "Шевченко",
            "email": "olena@example.com",
            "description": "Вибоїна на перехресті",
        },
    )
    assert response.status_code == 201, response.content
    appeal = Appeal.objects.get(pk=response.json()[0]["service_request_id"])
    assert appeal.addressee is not None and appeal.is_public


def test_the_readme_names_the_demo_key():
    from pathlib import Path

    from django.conf import settings

    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    assert f"**`{demo.DEMO_API_KEY}`**" in readme
