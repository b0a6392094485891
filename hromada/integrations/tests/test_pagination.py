"""Every paged list of /api/v1 takes ``limit`` and ``cursor`` and answers the one envelope
(hromada/core/pagination.py); no list keeps an older way (offset, page, after)."""

import pytest
from django.test import Client

from hromada.core.errors import ValidationFailed
from hromada.core.pagination import decode_offset, encode_offset, offset_page

PAGED = {
    "/api/v1/appeals/mine",
    "/api/v1/appeals/queues/{name}",
    "/api/v1/directory/addressees",
    "/api/v1/equeue/bookings/mine",
    "/api/v1/equeue/desk/{slug}/feed",
    "/api/v1/messaging/inbox",
    "/api/v1/news/posts",
    "/api/v1/surveys/",
}


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


@pytest.mark.django_db
def test_every_paged_list_has_the_same_parameters_and_envelope():
    document = Client().get("/api/v1/openapi.json").json()
    paged = set()
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        names = {p["name"] for p in get.get("parameters", [])}
        assert not names & {"offset", "page", "page_size", "after"}, path
        if "cursor" not in names:
            continue
        paged.add(path)
        assert "limit" in names, path
        content = get["responses"]["200"]["content"]["application/json"]["schema"]
        properties = _resolve(document, content)["properties"]
        assert {"items", "next_cursor", "has_more"} <= set(properties), path
        assert properties["items"]["type"] == "array", path
    assert paged == PAGED


def test_offset_cursors_are_opaque_and_checked():
    assert decode_offset("") == 0
    assert decode_offset(encode_offset(40)) == 40
    for bad in ("nonsense", "b2Zmc2V0Oi0x", encode_offset(10**9), "%%%"):
        with pytest.raises(ValidationFailed) as refused:
            decode_offset(bad)
        assert refused.value.field == "cursor"


def test_a_page_knows_whether_another_follows():
    rows, more = offset_page(list(range(5)), cursor="", limit=2)
    assert rows == [0, 1] and more["has_more"]
    rows, more = offset_page(list(range(5)), cursor=more["next_cursor"], limit=2)
    assert rows == [2, 3]
    rows, more = offset_page(list(range(5)), cursor=more["next_cursor"], limit=2)
    assert rows == [4] and more == {"next_cursor": None, "has_more": False}
