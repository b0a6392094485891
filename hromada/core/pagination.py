"""One way to page every /api/v1 list: ``limit`` and an opaque ``cursor`` in, the envelope
``{"items": [...], "next_cursor": ..., "has_more": ...}`` out.

A client passes the previous answer's ``next_cursor`` as ``cursor`` until ``has_more`` is
false. Lists that grow large (the back office's queues, a desk's feed) encode a keyset
position in their cursor, so page 20,000 costs what page 1 does; the other lists encode an
offset. Either way the cursor is opaque: clients never build one. A change feed keeps its
``next_cursor`` when ``has_more`` is false, to poll from later. Short reference lists
(categories, kinds, a day's slots…) are answered whole, as plain arrays.
"""

import base64
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Schema

from hromada.core.errors import ValidationFailed

CURSOR_MAX = 200
OFFSET_MAX = 1_000_000
CURSOR_DESCRIPTION = "The `next_cursor` of the previous page; empty for the first page."
NEXT_CURSOR_DESCRIPTION = "Pass as `cursor` for the next page; null at the end."
HAS_MORE_DESCRIPTION = "Whether another page follows."


class PageQuery(Schema):
    """The paging parameters of a list whose default page is 20 items (at most 100)."""

    limit: int = Field(20, ge=1, le=100, description="Items per page.")
    cursor: str = Field("", max_length=CURSOR_MAX, description=CURSOR_DESCRIPTION)


def encode_offset(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def decode_offset(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        text = ""
    prefix, _sep, number = text.partition(":")
    if prefix != "offset" or not number.isdigit() or int(number) > OFFSET_MAX:
        raise ValidationFailed(_("The cursor is not valid."), field="cursor")
    return int(number)


def offset_page(rows: Sequence, *, cursor: str, limit: int) -> tuple[list[Any], dict]:
    """One page of ``rows`` (a queryset or a list) after ``cursor``: the rows, and the
    envelope's ``next_cursor`` and ``has_more``. One query: a row more than the page shows
    whether another page follows."""
    offset = decode_offset(cursor)
    page = list(rows[offset : offset + limit + 1])
    more = len(page) > limit
    return page[:limit], {
        "next_cursor": encode_offset(offset + limit) if more else None,
        "has_more": more,
    }
