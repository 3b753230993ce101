"""The readable table of the read-model benchmarks, and the aims they are judged by."""

from __future__ import annotations

from typing import Any

AIM_REBUILD_EVENTS_PER_SECOND = 20_000
AIM_REBUILD_OVER_RAW = 0.5
AIM_QUERY_P95_MS = 20.0
AIM_PEAK_RSS_MB = 300.0
PARTS = (
    "positions",
    "load: db reads",
    "load: decrypt",
    "load: decode",
    "load: fold",
    "rows",
    "write",
    "other",
)


def aims(results: dict[str, Any]) -> dict[str, Any]:
    """Each aim of the issue, what was measured, and whether it was met."""
    judged: dict[str, Any] = {}
    rebuild = results.get("rebuild")
    if rebuild:
        for shape, r in rebuild["rebuild"].items():
            rate = r["events_per_second"]
            over_raw = rebuild["ratios"][f"{shape}_over_raw_psycopg"]
            judged[f"{shape} rebuild >= {AIM_REBUILD_EVENTS_PER_SECOND:,} events/s"] = {
                "measured": round(rate),
                "met": rate >= AIM_REBUILD_EVENTS_PER_SECOND,
            }
            judged[f"{shape} rebuild >= {AIM_REBUILD_OVER_RAW} x raw psycopg scan"] = {
                "measured": round(over_raw, 3),
                "met": over_raw >= AIM_REBUILD_OVER_RAW,
            }
            small = rebuild["rebuild_small"][shape]["peak_rss_mb"]
            peak = r["peak_rss_mb"]
            judged[f"{shape} rebuild peak RSS < {AIM_PEAK_RSS_MB:.0f} MB and flat"] = {
                "measured": f"{small:.0f} MB at {rebuild['small_events']:,} events, "
                f"{peak:.0f} MB at {rebuild['events']:,}",
                "met": peak < AIM_PEAK_RSS_MB and peak / small < 1.25,
            }
    postgres = results.get("caseload_query", {}).get("postgres")
    if postgres:
        sizes = postgres["sizes"]
        worst = {size: s["all"]["worst_query_p95_ms"] for size, s in sizes.items()}
        overall = {size: s["all"]["p95_ms"] for size, s in sizes.items()}
        judged[f"caseload query p95 < {AIM_QUERY_P95_MS:.0f} ms (every query, every size)"] = {
            "measured": {size: round(ms, 2) for size, ms in worst.items()},
            "met": all(ms < AIM_QUERY_P95_MS for ms in worst.values()),
        }
        first, last = min(sizes, key=int), max(sizes, key=int)
        judged["caseload query p95 flat as it grows (largest / smallest, all queries)"] = {
            "measured": round(overall[last] / overall[first], 2),
            "met": overall[last] / overall[first] < 1.5,
        }
    return judged


def _row(label: str, *cells: str) -> str:
    return f"  {label:<44}" + "".join(f"{c:>12}" for c in cells)


def _rebuild(r: dict[str, Any]) -> list[str]:
    base = r["baselines"]
    lines = [
        "",
        f"4. Read-model rebuild on PostgreSQL: {r['events']:,} events "
        f"(events/s = log length / seconds)",
        _row("", "events/s", "seconds", "peak MB"),
    ]
    for shape, x in r["rebuild"].items():
        lines.append(
            _row(
                f"rebuild {shape} (batch {r['rebuild_batch']} journeys)",
                f"{x['events_per_second']:,.0f}",
                f"{x['seconds']:.1f}",
                f"{x['peak_rss_mb']:.0f}",
            )
        )
    for shape, x in r["rebuild_small"].items():
        lines.append(
            _row(
                f"rebuild {shape}, first {x['end']:,} events",
                f"{x['events_per_second']:,.0f}",
                f"{x['seconds']:.1f}",
                f"{x['peak_rss_mb']:.0f}",
            )
        )
    for end, x in r.get("positions_only", {}).items():
        lines.append(
            _row(
                f"positions query alone, {int(end):,} events",
                "",
                f"{x['seconds']:.1f}",
                f"{x['peak_rss_mb']:.0f}",
            )
        )
    for shape, x in r["live_catch_up"].items():
        lines.append(
            _row(
                f"live catch_up {shape}, first {x['end']:,}, batch {x['batch']}",
                f"{x['events_per_second']:,.0f}",
                f"{x['seconds']:.1f}",
                f"{x['peak_rss_mb']:.0f}",
            )
        )
    for label, key in (
        ("baseline: raw psycopg scan (median of 4)", "raw_psycopg"),
        ("baseline: select_notifications (median of 3)", "select_notifications"),
        (
            f"baseline: decode every event (first {base['decode_every_event']['events']:,})",
            "decode_every_event",
        ),
    ):
        x = base[key]
        lines.append(_row(label, f"{x['events_per_second']:,.0f}", f"{x['seconds']:.1f}", ""))
    lines.append("  ratios")
    for name, value in r["ratios"].items():
        lines.append(_row(name, f"{value:.3f}"))
    what_if = r.get("what_if_caseload", {})
    if what_if:
        lines.append("  what-ifs, caseload rebuild (not the project's code or configuration now)")
        lines.append(_row("", "events/s", "x rebuild", "rows differ"))
        for name, x in what_if.items():
            lines.append(
                _row(
                    name,
                    f"{x['events_per_second']:,.0f}",
                    f"{x['over_rebuild']:.2f}",
                    str(x["differing_rows"]),
                )
            )
    live = r["live_catch_up"]
    runs = {
        **{f"{shape}": x for shape, x in r["rebuild"].items()},
        **{f"{shape[:4]}. 1/10": x for shape, x in r["rebuild_small"].items()},
        **{f"live {shape[:4]}.{'-' * (',' in shape)}": x for shape, x in live.items()},
    }
    lines.append("  where the time goes (s): rebuilds, rebuilds of 1/10 of the log, live catch_up")
    lines.append(_row("", *runs))
    for part in PARTS:
        lines.append(_row(part, *(f"{x['seconds_in'].get(part, 0.0):.1f}" for x in runs.values())))
    lines.append(_row("total", *(f"{x['seconds']:.1f}" for x in runs.values())))
    lines.append(_row("journeys loaded", *(f"{x['journeys_loaded']:,}" for x in runs.values())))
    return lines


def _queries(kind: str, q: dict[str, Any]) -> list[str]:
    sizes = list(q["sizes"])
    lines = [
        "",
        f"5. Caseload query on {kind}, Caseloads.page(), {q['runs_per_query']} runs each: "
        "p50 / p95 ms",
        _row("journeys", *(f"{int(s):,}" for s in sizes)),
    ]
    names = list(q["sizes"][sizes[0]]["queries"])
    for name in names:
        cells = []
        for size in sizes:
            x = q["sizes"][size]["queries"][name]
            cells.append(f"{x['p50_ms']:.1f}/{x['p95_ms']:.1f}")
        lines.append(_row(name, *cells))
    lines.append(
        _row(
            "all queries",
            *(
                f"{q['sizes'][s]['all']['p50_ms']:.1f}/{q['sizes'][s]['all']['p95_ms']:.1f}"
                for s in sizes
            ),
        )
    )
    if "what_if_cached_tables" in q["sizes"][sizes[0]]:
        cached = [q["sizes"][s]["what_if_cached_tables"] for s in sizes]
        lines.append(
            _row(
                "all, Table kept between calls (what-if)",
                *(f"{c['p50_ms']:.1f}/{c['p95_ms']:.1f}" for c in cached),
            )
        )
    return lines


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"Machine: {m['cores']} cores ({m['cpu']}), PostgreSQL {m['postgresql'] or '-'}, "
        f"load average {m['load_average_1m_at_start']} at start, "
        f"{results.get('load_average_1m_at_end', '-')} at end; "
        f"{'quick' if results['quick'] else 'full'} run, {results.get('seconds', 0):.0f} s"
    ]
    gen = results.get("generate")
    if gen:
        lines += [
            "",
            f"Store: {gen['events']:,} events, {gen['journeys']:,} journeys, written through "
            f"the domain in {gen['seconds']:.0f} s: {gen['events_per_second']:,.0f} events/s "
            f"({gen['aggregates_per_save']} journeys' events per save, "
            f"{gen['in_progress_at_once']} journeys interleaved)",
        ]
    if results.get("rebuild"):
        lines += _rebuild(results["rebuild"])
    for kind, q in results.get("caseload_query", {}).items():
        lines += _queries(kind, q)
    judged = results.get("aims", {})
    if judged:
        lines += ["", "Aims"]
        for aim, verdict in judged.items():
            mark = "met" if verdict["met"] else "MISSED"
            lines.append(f"  [{mark:>6}] {aim}: {verdict['measured']}")
    return "\n".join(lines)
