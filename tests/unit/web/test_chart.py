"""The outcome chart drawn on the server: bands, lines, baseline, marks, accessible text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from interface.web.chart import outcome_chart
from interface.web.scores import Score, describe, mark_of

SVG = "{http://www.w3.org/2000/svg}"
DAY0 = datetime(2026, 10, 1, 10, tzinfo=UTC)


def phq9_series(totals):
    scores = [Score(DAY0, totals[0], "severe", "baseline")]
    for n, total in enumerate(totals[1:], start=1):
        scores.append(Score(DAY0 + timedelta(days=3 * n), total, "mild", "follow_up", n))
    return scores


def parse(markup):
    return ET.fromstring(str(markup))  # noqa: S314 - our own markup


def test_no_scores_draw_nothing():
    assert str(outcome_chart({}, {})) == ""


def test_one_panel_per_instrument_with_its_severity_bands():
    series = {
        "PHQ-9": phq9_series([20, 15]),
        "GAD-7": [Score(DAY0, 12, "moderate", "baseline")],
    }
    svg = parse(outcome_chart(series, {"PHQ-9": 20, "GAD-7": 12}))
    panels = svg.findall(f"{SVG}g[@class='panel']")
    assert [p.get("data-instrument") for p in panels] == ["PHQ-9", "GAD-7"]
    phq9_bands = panels[0].findall(f"{SVG}rect[@class='band']")
    assert len(phq9_bands) == 5  # minimal, mild, moderate, moderately severe, severe
    assert len(panels[1].findall(f"{SVG}rect[@class='band']")) == 4


def test_a_point_per_score_joined_by_a_line_and_a_dashed_baseline():
    svg = parse(outcome_chart({"PHQ-9": phq9_series([19, 17, 15, 12, 10, 8, 7])}, {"PHQ-9": 19}))
    points = svg.findall(f".//{SVG}g[@class='point']")
    assert len(points) == 7
    assert len([p for p in points if p.get("data-session")]) == 6
    polyline = svg.find(f".//{SVG}polyline")
    assert len(polyline.get("points").split()) == 7
    baseline = svg.find(f".//{SVG}line[@class='baseline']")
    assert baseline.get("stroke-dasharray")
    assert "baseline 19" in "".join(svg.itertext())


def test_lower_scores_are_drawn_lower():
    svg = parse(outcome_chart({"PHQ-9": phq9_series([20, 10])}, {"PHQ-9": 20}))
    first, second = (
        float(p.find(f"{SVG}circle").get("cy")) for p in svg.findall(f".//{SVG}g[@class='point']")
    )
    assert second > first  # SVG y grows downwards


def test_response_and_remission_are_marked_as_the_status_judges_them():
    assert mark_of("PHQ-9", 9, 19) == "response"
    assert mark_of("PHQ-9", 10, 19) == ""
    assert mark_of("PHQ-9", 4, 19) == "remission"
    assert mark_of("PCL-5", 20, 44) == "response"
    svg = parse(outcome_chart({"PHQ-9": phq9_series([19, 9, 4])}, {"PHQ-9": 19}))
    marks = [p.get("data-mark") for p in svg.findall(f".//{SVG}g[@class='point']")]
    assert marks == ["", "response", "remission"]


def test_a_day_after_score_or_a_low_baseline_is_never_marked():
    assert mark_of("PHQ-9", 4, 19, "post_session") == ""
    assert mark_of("PHQ-9", 4, 19, "pre_dose") == ""
    assert mark_of("PHQ-9", 4, 19, "end_of_series") == "remission"
    assert mark_of("PHQ-9", 2, 9, "follow_up") == ""
    assert mark_of("PHQ-9", 2, 10, "follow_up") == "remission"


def test_the_baseline_itself_is_never_marked():
    svg = parse(outcome_chart({"GAD-7": [Score(DAY0, 3, "minimal", "baseline")]}, {"GAD-7": 3}))
    assert svg.find(f".//{SVG}g[@class='point']").get("data-mark") == ""


def test_it_has_a_title_and_a_description_for_screen_readers():
    series = {"PHQ-9": phq9_series([19, 9])}
    svg = parse(outcome_chart(series, {"PHQ-9": 19}))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "chart-title chart-desc"
    assert svg.find(f"{SVG}title").text == "Outcome scores over time"
    assert svg.find(f"{SVG}desc").text == describe(series, {"PHQ-9": 19})
    assert "PHQ-9 from 19 to 9 (mild), response" in svg.find(f"{SVG}desc").text


def test_sessions_are_marked_on_the_time_axis():
    doses = [(n, DAY0 + timedelta(days=3 * n, hours=-1)) for n in (1, 2)]
    svg = parse(outcome_chart({"PHQ-9": phq9_series([19, 15, 12])}, {"PHQ-9": 19}, doses))
    labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "session-label"]
    assert labels == ["S1", "S2"]


def test_every_text_is_escaped():
    sneaky = Score(DAY0, 5, "<script>alert(1)</script>", "baseline")
    markup = str(outcome_chart({"PHQ-9": [sneaky]}, {"PHQ-9": 5}))
    assert "<script>" not in markup
    parse(markup)  # still well-formed


def test_nothing_needs_inline_style():
    markup = str(outcome_chart({"PHQ-9": phq9_series([19, 9])}, {"PHQ-9": 19}))
    assert not re.search(r"\bstyle=", markup)
