"""The outcome chart: PHQ-9, GAD-7 and PCL-5 over time, as inline SVG drawn here.

One panel per instrument, sharing the time axis, each on its own scale with its
severity bands behind, the baseline as a dashed line, the response threshold (half the
baseline) dotted, and each score a point: ringed once it is a response, a diamond once
it is a remission. Nothing runs in the browser; every text is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from markupsafe import Markup, escape

from domain.local_time import current_zone
from domain.outcomes import RESPONSE_DROP_PCT
from domain.scales import SCALES
from interface.web.scores import INSTRUMENTS, Score, describe, mark_of

WIDTH, LEFT, RIGHT = 720, 44, 150
PANEL, GAP, TOP, AXIS = 128, 34, 8, 44
BAND_FILL = {
    "minimal": "#e3f1e4",
    "below_threshold": "#e3f1e4",
    "mild": "#eef4d9",
    "moderate": "#fbf1d4",
    "moderately_severe": "#fbe4d2",
    "severe": "#f8d9d9",
    "probable_ptsd": "#f8d9d9",
}
LINE = {"PHQ-9": "#1d4f91", "GAD-7": "#6b3a8c", "PCL-5": "#7a4a00"}


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


class _Frame:
    """Where a moment or a score lands on the drawing."""

    def __init__(self, start: datetime, end: datetime) -> None:
        if end - start < timedelta(days=1):
            start, end = start - timedelta(hours=12), end + timedelta(hours=12)
        self.start, self.span = start, (end - start).total_seconds()
        self.width = WIDTH - LEFT - RIGHT

    def x(self, moment: datetime) -> float:
        return LEFT + (moment - self.start).total_seconds() / self.span * self.width

    @staticmethod
    def y(top: float, total: float, most: int) -> float:
        return top + (1 - total / most) * PANEL


def _panel(
    instrument: str,
    scores: Sequence[Score],
    baseline: int | None,
    top: float,
    frame: _Frame,
    doses: Sequence[float] = (),
) -> list[str]:
    scale = SCALES[instrument]
    most = scale.item_count * scale.max_answer
    right = WIDTH - RIGHT
    parts = [f'<g class="panel" data-instrument="{instrument}">']
    parts.append(f'<text class="panel-title" x="{LEFT}" y="{_num(top - 8)}">{instrument}</text>')
    bounds = [low for low, _ in scale.bands[1:]] + [most]
    for (low, name), high in zip(scale.bands, bounds, strict=True):
        y_high, y_low = frame.y(top, high, most), frame.y(top, low, most)
        parts.append(
            f'<rect class="band" x="{LEFT}" y="{_num(y_high)}" width="{frame.width}" '
            f'height="{_num(y_low - y_high)}" fill="{BAND_FILL.get(name, "#eee")}">'
            f"<title>{escape(name.replace('_', ' '))}: {low} to {high}</title></rect>"
        )
        parts.append(
            f'<text class="band-label" x="{right + 6}" y="{_num((y_high + y_low) / 2 + 4)}">'
            f"{escape(name.replace('_', ' '))} {low}+</text>"
        )
    for x in doses:
        parts.append(
            f'<line class="session-line" x1="{_num(x)}" x2="{_num(x)}" y1="{_num(top)}" '
            f'y2="{_num(top + PANEL)}" stroke="#8a8a8a" stroke-dasharray="1 3"/>'
        )
    for tick in (0, most):
        parts.append(
            f'<text class="tick" x="{LEFT - 6}" y="{_num(frame.y(top, tick, most) + 4)}" '
            f'text-anchor="end">{tick}</text>'
        )
    if baseline is not None:
        line_y = _num(frame.y(top, baseline, most))
        parts.append(
            f'<line class="baseline" x1="{LEFT}" x2="{right}" y1="{line_y}" y2="{line_y}" '
            f'stroke="#333" stroke-dasharray="6 4"><title>baseline {baseline}</title></line>'
        )
        parts.append(
            f'<text class="line-label" x="{right - 4}" y="{line_y}" dy="-4" '
            f'text-anchor="end">baseline {baseline}</text>'
        )
        half = baseline * (100 + RESPONSE_DROP_PCT) / 100
        line_y = _num(frame.y(top, half, most))
        parts.append(
            f'<line class="response-line" x1="{LEFT}" x2="{right}" y1="{line_y}" y2="{line_y}" '
            f'stroke="#555" stroke-dasharray="2 3"><title>response: {_num(half)} or less'
            "</title></line>"
        )
    coords = [(frame.x(s.at), frame.y(top, s.total, most)) for s in scores]
    if len(coords) > 1:
        path = " ".join(f"{_num(x)},{_num(y)}" for x, y in coords)
        parts.append(
            f'<polyline class="trend" points="{path}" fill="none" '
            f'stroke="{LINE[instrument]}" stroke-width="2"/>'
        )
    for score, (x, y) in zip(scores, coords, strict=True):
        parts.append(_point(instrument, score, baseline, x, y))
    parts.append("</g>")
    return parts


def _point(instrument: str, score: Score, baseline: int | None, x: float, y: float) -> str:
    mark = mark_of(instrument, score.total, baseline, score.timepoint)
    session = "" if score.session is None else f' data-session="{score.session}"'
    where = score.timepoint.replace("_", " ") + (
        "" if score.session is None else f", session {score.session}"
    )
    label = f"{instrument} {score.total} ({score.band.replace('_', ' ')}), {where}, " + (
        score.at.astimezone(current_zone()).strftime("%Y-%m-%d")
    )
    if mark:
        label += f": {mark}"
    cx, cy = _num(x), _num(y)
    shape = f'<circle cx="{cx}" cy="{cy}" r="4" fill="{LINE[instrument]}"/>'
    if mark == "response":
        ring = 'r="7.5" fill="none" stroke="#0b6b2f" stroke-width="2"'
        shape += f'<circle cx="{cx}" cy="{cy}" {ring}/>'
    elif mark == "remission":
        d = f"M{cx} {_num(y - 9)} L{_num(x + 9)} {cy} L{cx} {_num(y + 9)} L{_num(x - 9)} {cy} Z"
        shape += f'<path d="{d}" fill="none" stroke="#0b6b2f" stroke-width="2"/>'
    return (
        f'<g class="point" data-instrument="{instrument}" data-total="{score.total}"'
        f'{session} data-mark="{mark}"><title>{escape(label)}</title>{shape}</g>'
    )


def outcome_chart(
    series: Mapping[str, Sequence[Score]],
    baselines: Mapping[str, int | None],
    sessions: Sequence[tuple[int, datetime]] = (),
) -> Markup:
    """The chart for the instruments that have scores; empty markup when none has. Its
    dates are the clinic's (``domain.local_time.clinic_time``)."""
    shown = [i for i in INSTRUMENTS if series.get(i)]
    if not shown:
        return Markup("")
    moments = [s.at for i in shown for s in series[i]] + [at for _, at in sessions]
    frame = _Frame(min(moments), max(moments))
    height = TOP + len(shown) * (PANEL + GAP) + AXIS
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="chart-title chart-desc" '
        f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">',
        '<title id="chart-title">Outcome scores over time</title>',
        f'<desc id="chart-desc">{escape(describe(series, baselines))}</desc>',
    ]
    doses = [frame.x(at) for _, at in sessions]
    for index, instrument in enumerate(shown):
        top = TOP + GAP + index * (PANEL + GAP)
        parts += _panel(
            instrument, series[instrument], baselines.get(instrument), top, frame, doses
        )
    axis = TOP + len(shown) * (PANEL + GAP) + 14
    for (number, _), x in zip(sessions, doses, strict=True):
        parts.append(
            f'<text class="session-label" x="{_num(x)}" y="{axis}" '
            f'text-anchor="middle">S{number}</text>'
        )
    for moment, anchor in ((min(moments), "start"), (max(moments), "end")):
        parts.append(
            f'<text class="tick" x="{_num(frame.x(moment))}" y="{height - 4}" '
            f'text-anchor="{anchor}">{moment.astimezone(current_zone()):%d %b %Y}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped or a number
