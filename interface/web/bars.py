"""Counts as pictures: the caseload's stages as one stacked bar, findings per rule as bars.

Inline SVG with sizes as attributes, because the pages' CSP allows no inline style.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

STAGE_FILL = {
    "opened": "#9fb3c8",
    "consulted": "#7f9cbd",
    "screened": "#5f86b3",
    "consented": "#4271a6",
    "prepared": "#2d5d94",
    "in_treatment": "#1d7a55",
    "series_complete": "#2f9467",
    "maintenance": "#56a97f",
    "paused": "#b08a2e",
    "ineligible": "#8c8c8c",
    "closed": "#5c5c5c",
}
WIDTH = 720


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    count: int


def stacked_bar(parts: Sequence[Part], title: str) -> Markup:
    """One bar split by count; each part's width is its share of the total."""
    total = sum(p.count for p in parts)
    pieces = [
        f'<svg class="stacked" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {WIDTH} 28" preserveAspectRatio="none" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    x = 0.0
    for part in parts:
        if not part.count:
            continue
        width = part.count / total * WIDTH
        pieces.append(
            f'<rect x="{x:.2f}" y="0" width="{width:.2f}" height="28" '
            f'fill="{STAGE_FILL.get(part.key, "#777")}" data-stage="{escape(part.key)}">'
            f"<title>{escape(part.label)}: {part.count}</title></rect>"
        )
        x += width
    if not total:
        pieces.append(f'<rect x="0" y="0" width="{WIDTH}" height="28" fill="#e5e5e5"/>')
    pieces.append("</svg>")
    return Markup("".join(pieces))  # noqa: S704 - labels escaped, the rest numbers


def bar_rows(parts: Sequence[Part], title: str) -> Markup:
    """A bar per part, labelled with its name and count (zero counts drawn as zero)."""
    most = max((p.count for p in parts), default=0) or 1
    row, label_width, count_width = 22, 64, 40
    room = WIDTH - label_width - count_width
    height = row * len(parts)
    pieces = [
        f'<svg class="bars" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for index, part in enumerate(parts):
        y = index * row
        width = part.count / most * room
        pieces.append(
            f'<g data-key="{escape(part.key)}">'
            f'<text x="0" y="{y + 15}">{escape(part.label)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{width:.2f}" height="16" '
            f'fill="{"#a33b2b" if part.count else "#ccc"}"/>'
            f'<text x="{label_width + width + 6:.2f}" y="{y + 15}">{part.count}</text></g>'
        )
    pieces.append("</svg>")
    return Markup("".join(pieces))  # noqa: S704 - labels escaped, the rest numbers
