"""Bar and pie charts as SVG, drawn on the server: no script, readable at a glance, printed as
is. Each chart is an image with a text alternative; the page shows the same figures in a table.
"""

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

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
BAR_HEIGHT = 28
BAR_GAP = 12
WIDTH = 640
LABEL_WIDTH = 220


@dataclass(frozen=True)
class Slice:
    label: str
    count: int
    percent: float
    text: str = ""  # shown beside the bar instead of "percent% (count)"


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _text(value: str, limit: int = 34) -> str:
    value = value if len(value) <= limit else value[: limit - 1] + "…"
    return escape(value)


def bar_chart(slices: list[Slice], *, title: str) -> str:
    height = len(slices) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    bar_room = WIDTH - LABEL_WIDTH - 90
    rows = []
    for index, item in enumerate(slices):
        y = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
        width = max(round(bar_room * item.percent / 100), 1 if item.count else 0)
        rows.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 19}" text-anchor="end">{_text(item.label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" '
            f'fill="{colour(index)}" rx="3"></rect>'
            f'<text x="{LABEL_WIDTH + width + 8}" y="{y + 19}">'
            f"{escape(item.text or f'{item.percent:g}% ({item.count})')}</text>"
        )
    return (
        f'<svg class="chart chart-bar" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title, {chr(34): "&quot;"})}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(rows)
        + "</svg>"
    )


def pie_chart(slices: list[Slice], *, title: str) -> str:
    """A pie of the shares with a legend beside it; an empty pie is a grey ring."""
    radius, centre = 110, 120
    total = sum(item.count for item in slices)
    parts = []
    if not total:
        parts.append(
            f'<circle cx="{centre}" cy="{centre}" r="{radius}" fill="none" stroke="#4d5b6a" '
            'stroke-width="2"></circle>'
        )
    angle = -math.pi / 2
    for index, item in enumerate(slices):
        if not item.count:
            continue
        if item.count == total:
            parts.append(
                f'<circle cx="{centre}" cy="{centre}" r="{radius}" fill="{colour(index)}"></circle>'
            )
            break
        sweep = 2 * math.pi * item.count / total
        x1, y1 = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        angle += sweep
        x2, y2 = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        large = 1 if sweep > math.pi else 0
        parts.append(
            f'<path d="M{centre},{centre} L{x1:.2f},{y1:.2f} A{radius},{radius} 0 {large} 1 '
            f'{x2:.2f},{y2:.2f} Z" fill="{colour(index)}" stroke="#fff" stroke-width="2"></path>'
        )
    legend = []
    for index, item in enumerate(slices):
        y = 20 + index * 30
        legend.append(
            f'<rect x="260" y="{y}" width="18" height="18" fill="{colour(index)}"></rect>'
            f'<text x="286" y="{y + 14}">{_text(item.label, 30)} — {item.percent:g}%</text>'
        )
    height = max(2 * centre, 30 + len(slices) * 30)
    return (
        f'<svg class="chart chart-pie" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title, {chr(34): "&quot;"})}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(parts)
        + "".join(legend)
        + "</svg>"
    )
