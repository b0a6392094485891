"""The ticket as a QR code, a PDF (with the DejaVu fonts, for Cyrillic) and a calendar event."""

import io
from datetime import UTC
from pathlib import Path

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from hromada.equeue.models import Booking
from hromada.equeue.selectors import zone


def ticket_url(booking: Booking) -> str:
    """The ticket's full address: what the QR code holds."""
    return settings.SITE_URL.rstrip("/") + booking.get_absolute_url()


def qr_svg(booking: Booking) -> str:
    """An inline SVG of the QR code, drawn with currentColor-free dark modules."""
    return segno.make(ticket_url(booking), error="m").svg_inline(
        scale=4, dark="#000", light="#fff", title=_("QR code of the ticket")
    )


def _qr_png(booking: Booking) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(ticket_url(booking), error="m").save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    return buffer


def _font(name: str) -> str:
    path = Path(settings.EQUEUE_PDF_FONT_DIR) / name
    if not path.exists():
        raise ImproperlyConfigured(
            f"{path} is missing: install Debian's fonts-dejavu-core (make install does) "
            "or set EQUEUE_PDF_FONT_DIR."
        )
    return str(path)


def ticket_lines(booking: Booking) -> list[tuple[str, str]]:
    local = timezone.localtime(booking.starts_at, zone())
    lines = [
        (_("Ticket"), booking.number),
        (_("Visitor"), booking.citizen_name),
        (_("To whom"), booking.queue.addressee.name),
        (_("Queue"), booking.queue.name),
        (_("Service"), booking.service.name),
        (_("Date"), formats.date_format(local, "l, j E Y")),
        (_("Time"), f"{local:%H:%M}–{timezone.localtime(booking.ends_at, zone()):%H:%M}"),
        (_("Address"), booking.queue.place),
        (_("State"), booking.get_state_display()),
    ]
    lines += [(answer["label"], answer["value"]) for answer in booking.answers if answer["value"]]
    return lines


def ticket_pdf(booking: Booking) -> bytes:
    with translation.override(translation.get_language() or settings.LANGUAGE_CODE):
        pdf = FPDF(format=(148, 210))  # A5, in millimetres
        pdf.set_title(f"{_('Ticket')} {booking.number}")
        pdf.set_creator(settings.CITY_NAME)
        pdf.add_font("DejaVu", "", _font("DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", _font("DejaVuSans-Bold.ttf"))
        pdf.add_page()
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(0, 5, settings.CITY_NAME, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "B", 16)
        pdf.multi_cell(0, 9, _("Electronic queue ticket"), new_x="LMARGIN", new_y="NEXT", align="C")
        pdf.set_font("DejaVu", "B", 28)
        pdf.multi_cell(0, 14, booking.number, new_x="LMARGIN", new_y="NEXT", align="C")
        pdf.ln(2)
        for label, value in ticket_lines(booking):
            pdf.set_font("DejaVu", "B", 10)
            pdf.multi_cell(38, 6, label, new_x="RIGHT", new_y="TOP")
            pdf.set_font("DejaVu", "", 10)
            pdf.multi_cell(0, 6, value or "—", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        x = (pdf.w - 40) / 2
        pdf.image(_qr_png(booking), x=x, w=40, h=40)
        pdf.set_font("DejaVu", "", 8)
        pdf.multi_cell(0, 4, ticket_url(booking), new_x="LMARGIN", new_y="NEXT", align="C")
        pdf.ln(2)
        pdf.multi_cell(
            0,
            4,
            _("Show this ticket (on paper or on the phone) to the specialist."),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        return bytes(pdf.output())


def _ics_text(value: str) -> str:
    # RFC 5545 3.3.11: backslash, semicolon, comma and newlines are escaped.
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 3.1: lines longer than 75 octets are folded."""
    encoded = line.encode()
    parts, start = [], 0
    while len(encoded) - start > 75:
        end = start + (75 if not parts else 74)
        while (encoded[end] & 0xC0) == 0x80:  # never split a UTF-8 character
            end -= 1
        parts.append(encoded[start:end].decode())
        start = end
    parts.append(encoded[start:].decode())
    return "\r\n ".join(parts)


def ticket_ics(booking: Booking) -> str:
    def stamp(moment) -> str:
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    domain = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    status = "CANCELLED" if booking.state == "cancelled" else "CONFIRMED"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Hromada//Electronic queue//UK",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:ticket-{booking.code}@{domain or 'hromada'}",
        f"DTSTAMP:{stamp(booking.updated_at or timezone.now())}",
        f"DTSTART:{stamp(booking.starts_at)}",
        f"DTEND:{stamp(booking.ends_at)}",
        f"SUMMARY:{_ics_text(f'{booking.service.name} ({booking.number})')}",
        f"LOCATION:{_ics_text(booking.queue.place)}",
        "DESCRIPTION:"
        + _ics_text(f"{booking.queue.addressee.name}. {booking.queue.name}\n{ticket_url(booking)}"),
        f"URL:{ticket_url(booking)}",
        f"STATUS:{status}",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-PT1H",
        f"DESCRIPTION:{_ics_text(booking.service.name)}",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
