"""Late bounces: a delivery status notification (RFC 3464) that a mail server sends back
after it had accepted an e-mail, read and matched to the delivery it is about.

The DSN is a ``multipart/report; report-type=delivery-status`` message. Its
``message/delivery-status`` part has one block per recipient (``Final-Recipient``,
``Action``, ``Status``, ``Diagnostic-Code``); the returned original (``message/rfc822``, or
only its headers as ``text/rfc822-headers``) carries the Message-ID the sender gave it,
``<delivery-<pk>@…>`` (``hromada.core.mail.stable_message_id``). Only a ``failed`` action
with a permanent status (5.x.x) fails the delivery; a ``delayed`` one says the server is still
trying. The failed recipient must be the delivery's own address, so that a forged report
cannot fail someone else's e-mail by guessing a number.
"""

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from email.parser import HeaderParser

DELIVERY_ID = re.compile(r"<delivery-(\d+)@[^>]+>")


@dataclass(frozen=True)
class Bounce:
    delivery_id: int
    address: str
    status: str
    diagnostic: str

    @property
    def reason(self) -> str:
        return f"bounced later: {self.status} {self.diagnostic}".strip()


def _address(value: str) -> str:
    """``rfc822; Person@Example.org`` -> ``person@example.org``."""
    _type, _semi, address = str(value or "").partition(";")
    return (address or _type).strip().strip("<>").lower()


def _recipient_blocks(report: Message) -> list[Message]:
    blocks: list[Message] = []
    for part in report.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        if isinstance(payload, list):
            # The first block is about the message; the others are one per recipient.
            blocks += [b for b in payload if b.get("Final-Recipient") or b.get("Action")]
        else:  # a DSN some parser left as text
            text = payload if isinstance(payload, str) else ""
            blocks += [
                HeaderParser().parsestr(chunk.strip() + "\n")
                for chunk in re.split(r"\r?\n\r?\n", text)
                if chunk.strip()
            ]
    return [b for b in blocks if b.get("Final-Recipient")]


def _original_delivery_id(report: Message) -> int | None:
    for part in report.walk():
        kind = part.get_content_type()
        headers = None
        if kind == "message/rfc822":
            inner = part.get_payload()
            headers = inner[0] if isinstance(inner, list) and inner else None
        elif kind == "text/rfc822-headers":
            headers = HeaderParser().parsestr(
                part.get_payload(decode=True).decode(errors="replace")
            )
        if headers is not None:
            found = DELIVERY_ID.search(str(headers.get("Message-ID", "")))
            if found:
                return int(found.group(1))
    return None


def bounces_read(raw: bytes) -> list[Bounce]:
    """The permanent failures a DSN reports about one of our deliveries ([] for anything
    else: a delay, a success, an auto-reply, spam)."""
    report = message_from_bytes(raw, policy=policy.compat32)
    if report.get_content_type() != "multipart/report":
        return []
    delivery_id = _original_delivery_id(report)
    if delivery_id is None:
        return []
    found = []
    for block in _recipient_blocks(report):
        action = str(block.get("Action", "")).strip().lower()
        status = str(block.get("Status", "")).strip()
        if action != "failed" or not status.startswith("5"):
            continue
        diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
        found.append(
            Bounce(
                delivery_id=delivery_id,
                address=_address(block.get("Final-Recipient", "")),
                status=status,
                diagnostic=diagnostic.partition(";")[2].strip() or diagnostic,
            )
        )
    return found
