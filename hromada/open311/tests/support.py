"""Reading Open311 answers back: JSON, and XML parsed with the standard library."""

from defusedxml import ElementTree as ET

from hromada.open311.records import REQUEST_FIELDS

SERVICE_FIELDS = (
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
)
ATTRIBUTE_FIELDS = (
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
)
POINT = {"lat": "50.0", "long": "30.0"}


def xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def xml_items(response, root: str, item: str) -> list[dict[str, str]]:
    """The children of <root><item>…</item></root> as dicts of their elements' texts."""
    document = xml(response)
    assert document.tag == root
    assert all(child.tag == item for child in document)
    return [{field.tag: field.text or "" for field in element} for element in document]


def resident(**extra) -> dict[str, str]:
    return {"first_name": "Оксана", "last_name": "Петренко", "email": "o@example.com", **extra}


def request_fields_ok(record: dict) -> None:
    assert tuple(record) == REQUEST_FIELDS
