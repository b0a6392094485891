"""Bar and pie charts as SVG, drawn on the server: no script, readable at a glance, printed as
is. Each chart is an image with a text alternative; the page shows the same figures in a table.
"""

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.formats import number_format

# Eight colours of at least 3:1 against white (WCAG 1.4.11), told apart by the colour-blind.
PALETTE = [
    "#1f5fa8",
    "#c2410c",
    "#15803d",
    "#7e22ce",
    "#a16207",
    "#0e7490",
    "#be123c",
    "#4d5b6a",
]
BAR_HEIGHT = 22
WIDTH = 400  # drawn at about this size on a phone, so the 15-pixel text stays readable
VALUE_ROOM = 110
SHORT_LABEL = 6  # stars and scale values: the label fits beside its bar


@dataclass(frozen=True)
class Slice:
    label: str
    count: int
    percent: float
    text: str = ""  # shown beside the bar instead of "percent% (count)"


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _text(value: str, limit: int) -> str:
    value = value if len(value) <= limit else value[: limit - 1] + "…"
    return escape(value)


def _percent(value: float) -> str:
    # As the table beside the chart writes it: "16,7%" in Ukrainian, "16.7%" in English.
    return f"{number_format(value, 1)}%"


def _svg(kind: str, height: int, title: str, body: str) -> str:
    return (
        f'<svg class="chart chart-{kind}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title, {chr(34): "&quot;"})}" xmlns="http://www.w3.org/2000/svg">'
        f"{body}</svg>"
    )


def bar_chart(slices: list[Slice], *, title: str) -> str:
    """Horizontal bars, the share written beside each. Short labels (stars, 0–10) stand to the
    left of their bars; longer ones above, so they are never cut on a phone."""
    short = all(len(item.label) <= SHORT_LABEL for item in slices)
    label_width = 56 if short else 0
    row = BAR_HEIGHT + (12 if short else 32)
    bar_room = WIDTH - label_width - VALUE_ROOM
    rows = []
    for index, item in enumerate(slices):
        top = 8 + index * row
        bar_y = top if short else top + 20
        if short:
            label = (
                f'<text x="{label_width - 8}" y="{bar_y + 16}" text-anchor="end">'
                f"{_text(item.label, SHORT_LABEL)}</text>"
            )
        else:
            label = f'<text x="0" y="{top + 14}">{_text(item.label, 46)}</text>'
        width = max(round(bar_room * item.percent / 100), 2 if item.count else 0)
        value = item.text or f"{_percent(item.percent)} ({item.count})"
        rows.append(
            label + f'<rect x="{label_width}" y="{bar_y}" width="{width}" height="{BAR_HEIGHT}" '
            f'fill="{colour(index)}" rx="3"></rect>'
            + f'<rect x="{label_width}" y="{bar_y + BAR_HEIGHT - 1}" width="{bar_room}" '
            'height="1" fill="#4d5b6a"></rect>'
            + f'<text x="{label_width + width + 6}" y="{bar_y + 16}">{escape(value)}</text>'
        )
    return _svg("bar", 8 + len(slices) * row, title, "".join(rows))


def pie_chart(slices: list[Slice], *, title: str) -> str:
    """A pie of the shares with its legend below; an empty pie is a grey ring."""
    radius, centre_x, centre_y = 90, WIDTH // 2, 100
    total = sum(item.count for item in slices)
    parts = []
    if not total:
        parts.append(
            f'<circle cx="{centre_x}" cy="{centre_y}" r="{radius}" fill="none" '
            'stroke="#4d5b6a" stroke-width="2"></circle>'
        )
    angle = -math.pi / 2
    for index, item in enumerate(slices):
        if not item.count:
            continue
        if item.count == total:
            parts.append(
                f'<circle cx="{centre_x}" cy="{centre_y}" r="{radius}" '
                f'fill="{colour(index)}"></circle>'
            )
            break
        sweep = 2 * math.pi * item.count / total
        x1, y1 = centre_x + radius * math.cos(angle), centre_y + radius * math.sin(angle)
        angle += sweep
        x2, y2 = centre_x + radius * math.cos(angle), centre_y + radius * math.sin(angle)
        large = 1 if sweep > math.pi else 0
        parts.append(
            f'<path d="M{centre_x},{centre_y} L{x1:.2f},{y1:.2f} A{radius},{radius} 0 {large} 1 '
            f'{x2:.2f},{y2:.2f} Z" fill="{colour(index)}" stroke="#fff" stroke-width="2"></path>'
        )
    top = 2 * centre_y + 12
    for index, item in enumerate(slices):
        y = top + index * 28
        parts.append(
            f'<rect x="0" y="{y}" width="18" height="18" fill="{colour(index)}"></rect>'
            f'<text x="26" y="{y + 14}">{_text(item.label, 34)} — {_percent(item.percent)}</text>'
        )
    return _svg("pie", top + len(slices) * 28, title, "".join(parts))
