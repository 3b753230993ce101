"""The README's "Set up a clinic" section, run literally on a fresh database: the clinic,
its staff, its protocol and its fees come out as written; then the demo's superbill
command writes a PDF whose text is the demo journey's superbill."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.e2e.test_readme_postgresql import readme_block

ROOT = Path(__file__).resolve().parents[2]
BIN = str(Path(sys.executable).parent)


def run(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    found = {k: v for k, v in os.environ.items() if not k.startswith("KAP_")}
    found.update(
        KAP_DATABASE_URL=f"sqlite:///{tmp_path / 'kap.db'}",
        PYTHONPATH=str(ROOT),
    )
    return found


@pytest.mark.e2e
def test_the_readme_sets_a_clinic_up_from_the_command_line(tmp_path: Path, env) -> None:
    lines = [line.replace(".venv/bin/", f"{BIN}/") for line in readme_block("Set up a clinic")]
    done = run("\n".join(lines) + "\n", tmp_path, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Published aspen-kap clinic-a-1" in done.stdout

    shown = run(f"{BIN}/kap-journeys clinics show --clinic clinic-a --json", tmp_path, env)
    clinic = json.loads(shown.stdout)
    assert clinic["time_zone"] == "America/Denver"
    assert clinic["rems_certification"]["certification_id"] == "HCS-DEN-0142"
    assert [m["staff_id"] for m in clinic["staff"]] == [
        "coord-sam",
        "dr-lee",
        "nurse-kim",
        "ther-ana",
    ]
    assert clinic["protocols"] == ["aspen-kap clinic-a-1"]
    assert clinic["fee_schedule_set"] is True
    fees = run(f"{BIN}/kap-journeys fees show --clinic clinic-a", tmp_path, env).stdout
    assert "G2083" in fees


@pytest.mark.e2e
def test_the_demo_prints_a_superbill_command_that_writes_its_pdf(tmp_path: Path, env) -> None:
    demo = run(f"{BIN}/kap-journeys demo", tmp_path, env)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    match = re.search(r"^A superbill \(PDF\): (kap-journeys superbill \S+ --pdf superbill\.pdf)$",
                      demo.stdout, re.M)  # fmt: skip
    assert match, demo.stdout
    done = run(f"{BIN}/{match.group(1)}", tmp_path, env)
    assert done.returncode == 0, done.stdout + done.stderr
    text = "\n".join(page.extract_text() for page in PdfReader(tmp_path / "superbill.pdf").pages)
    assert "Aspen Ketamine Clinic (demo)" in text
    assert "1099900015" in text  # the clinic's billing NPI
    for code in ("90792", "96372"):
        assert code in text
    assert (tmp_path / "superbill.pdf").stat().st_mode & 0o777 == 0o600
