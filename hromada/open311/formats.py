"""The two formats of GeoReport v2: XML (required by the standard) and JSON, from one value.

XML is built with the standard library; a list becomes its parent element with one child per
item, named as the standard names them (<services><service>…, <errors><error>…).
"""

import json
from typing import Any
from xml.etree import ElementTree as ET

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        tag = ITEM_TAGS[element.tag]
        for item in value:
            _fill(ET.SubElement(element, tag), item)
    else:
        element.text = _text(value)


# The standard asks for this declaration, spelled so, before the root element.
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def to_xml(root: str, value: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, value)
    return DECLARATION + ET.tostring(element, encoding="unicode").encode()


def respond(value: Any, *, fmt: str, root: str, status: int = 200) -> HttpResponse:
    """``root`` is the XML document element; JSON has none (a list or an object)."""
    if fmt == "xml":
        body = to_xml(root, value)
    else:
        body = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, content_type=FORMATS[fmt])
    # Open311 clients are other cities' sites and apps, called from browsers too.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def errors(status: int, description: str, *, fmt: str) -> HttpResponse:
    return respond(
        [{"code": status, "description": description}], fmt=fmt, root="errors", status=status
    )
