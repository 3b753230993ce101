"""One verification in a child process of its own, so its peak memory is its own.

Each function here runs in a ``spawn`` child (``bench.verify_run``), builds the service
as ``kap-journeys audit verify`` does (``Services`` with the store's cipher key and the
checkpoint signing key, projections off) and returns its timings, its result and its
``VmRSS`` before the work and ``VmHWM`` (peak resident memory) after it.

- ``fast``: what ``audit verify`` runs by default: ``scan_store``, every journey's
  chain (seals in the clear, nothing decrypted) and every signed Merkle root
  (``verify_all(against_log=True)``) fed from one read of the log.
- ``two_reads``: the same checks as ``fast``, the log read twice as before issue 12:
  ``scan_chains``, then ``verify_all(against_log=True)`` reading it again.
- ``deep``: what ``audit verify --deep`` runs: ``verify_store`` (every entry decrypted
  and its digest recomputed), then the same ``verify_all``.
- ``profile``: ``fast`` under cProfile; the functions where the time went.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from pathlib import Path
from typing import Any


def memory_kb(field: str) -> int:
    """A ``VmRSS``/``VmHWM`` line of this process's /proc status, in kB (0 if none)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _services(url: str, cipher_key: str, signing_key: str) -> Any:
    from interface.services import Services
    from interface.settings import Settings

    return Services(
        Settings(
            database_url=url,
            cipher_key=cipher_key,
            signing_key=signing_key,
            run_projections=False,
        )
    )


def _verify(services: Any, deep: bool, two_reads: bool = False) -> dict[str, Any]:
    from application.audit.chain_scan import scan_chains, scan_store
    from application.audit.store_check import verify_store
    from interface.audit.anchors import all_anchors

    journeys = services.journeys
    checkpoints = services.checkpoints
    started = time.perf_counter()
    anchors = all_anchors(services)
    anchored = time.perf_counter()
    chains: Any
    if deep or two_reads:
        chains = verify_store(journeys, anchors) if deep else scan_chains(journeys, anchors)
        chained = time.perf_counter()
        report = checkpoints.verify_all(against_log=True)
    else:  # one read for both: the chains' time includes the tree's
        chains, report = scan_store(journeys, anchors, checkpoints)
        chained = time.perf_counter()
    done = time.perf_counter()
    return {
        "ok": bool(chains.ok and report.ok),
        "chains_ok": chains.ok,
        "checkpoints_ok": report.ok,
        "checkpoints": report.checkpoints,
        "journeys_checked": chains.journeys_checked,
        "events_checked": chains.events_checked,
        "anchors": len(anchors),
        "seconds": {
            "anchors": anchored - started,
            "chains": chained - anchored,
            "merkle": done - chained,
            "total": done - started,
        },
    }


def verify(
    url: str, cipher_key: str, signing_key: str, mode: str, cipher_topic: str | None = None
) -> dict[str, Any]:
    """Run one verification (``fast``, ``two_reads``, ``deep`` or ``profile``), measured.

    ``cipher_topic``: the library's AES-GCM cipher to decrypt with (both read the same
    stored format); default the project's (``interface.storage.environment.AES_CIPHER_TOPIC``).
    """
    from interface.storage import environment as storage

    if cipher_topic is not None:
        storage.AES_CIPHER_TOPIC = cipher_topic  # this child only: what --deep decrypts with
    services = _services(url, cipher_key, signing_key)
    try:
        services.journeys  # noqa: B018 - connect (and import) before the baseline RSS
        rss_before = memory_kb("VmRSS")
        if mode == "profile":
            import interface.audit.anchors  # noqa: F401 - imported before profiling

            profiler = cProfile.Profile()
            profiler.enable()
            found = _verify(services, deep=False)
            profiler.disable()
            found["profile"] = _top(profiler)
        else:
            found = _verify(services, deep=mode == "deep", two_reads=mode == "two_reads")
        found["cipher_topic"] = storage.AES_CIPHER_TOPIC
        found["rss_before_mb"] = rss_before / 1024
        found["peak_rss_mb"] = memory_kb("VmHWM") / 1024
        return found
    finally:
        services.close()


def _top(profiler: cProfile.Profile, count: int = 18) -> dict[str, Any]:
    """Own time (tottime) per function, highest first, and the text cProfile prints."""
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = []
    for (file, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{Path(file).name}:{line}({name})",
                "calls": calls,
                "own_seconds": own,
                "cumulative_seconds": cumulative,
            }
        )
    rows.sort(key=lambda row: row["own_seconds"], reverse=True)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
    return {"total_seconds": total, "by_own_time": rows[:count], "cumulative": text.getvalue()}
