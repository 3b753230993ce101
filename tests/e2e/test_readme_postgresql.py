"""The README's PostgreSQL section, followed literally on a fresh database, gives a
deployment whose checkpoints and evidence bundles work (CLI and HTTP)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import psycopg
import pytest

from tests.databases import ADMIN_URL, require_postgres
from tests.e2e.server import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = str(Path(sys.executable).parent)


def readme_block(heading: str) -> list[str]:
    """The first code block under a README heading, as lines."""
    text = (ROOT / "README.md").read_text()
    section = text.split(f"## {heading}\n", 1)[1]
    block = re.search(r"```[a-z]*\n(.*?)```", section, re.S)
    assert block is not None, f"no code block under {heading}"
    return block.group(1).splitlines()


def as_script(lines: list[str], database: str) -> str:
    """The section's lines, on a database of the test's own, with the steps a person would
    take between them: keep the tokens, wait for the server, open one journey."""
    out = ["set -euo pipefail", "trap 'kill $SERVER 2>/dev/null || true' EXIT", "SERVER=''"]
    for line in lines:
        line = line.replace(".venv/bin/", f"{BIN}/")
        line = line.replace("createdb -h 127.0.0.1 kap", f"createdb -h 127.0.0.1 {database}")
        line = line.replace("@127.0.0.1:5432/kap", f"@127.0.0.1:5432/{database}")
        if "tokens create" in line:
            line = f"EHR=$({line} | tail -1)"
        if line.endswith("serve &"):
            out += [
                line,
                "SERVER=$!",
                'for _ in $(seq 150); do curl -sf "$URL/health" >/dev/null && break; '
                "sleep 0.2; done",
                f"AUDITOR=$({BIN}/kap-journeys tokens create --role auditor --clinic clinic-a "
                "--name audit | tail -1)",
                'JOURNEY=$(curl -sf -X POST "$URL/v1/journeys" -H "Authorization: Bearer $EHR" '
                "-H 'Content-Type: application/json' -d '"
                '{"patient_ref": "MRN-0042", "episode": 1, "protocol": "kap-standard", '
                '"primary_clinician": "dr-lee", "presenting_concerns": ["depression"], '
                '"occurred_at": "2026-11-24T09:00:00Z", '
                '"recorded_by": {"id": "coord-sam", "role": "coordinator"}}'
                "' | python3 -c 'import json, sys; print(json.load(sys.stdin)[\"journey_id\"])')",
            ]
            continue
        out.append(line)
    out += [
        'code=$(curl -s -o api.zip -w "%{http_code}" "$URL/v1/audit/export?journey=$JOURNEY" '
        '-H "Authorization: Bearer $AUDITOR" -H "X-Purpose-Of-Use: audit")',
        'echo "HTTP export $code"',
    ]
    return "\n".join(out) + "\n"


@pytest.mark.e2e
@pytest.mark.postgres
def test_the_postgresql_section_gives_checkpoints_and_evidence_bundles(tmp_path):
    require_postgres()
    if shutil.which("createdb") is None or shutil.which("curl") is None:
        pytest.fail("the README's PostgreSQL section needs createdb and curl on the PATH")
    database = f"kap_readme_{uuid.uuid4().hex[:10]}"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAP_")}
    env.update(KAP_PORT=str(port), URL=f"http://127.0.0.1:{port}", PGUSER="postgres")
    env["PYTHONPATH"] = str(ROOT)
    script = as_script(readme_block("PostgreSQL"), database)
    try:
        done = subprocess.run(
            ["bash", "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    assert done.returncode == 0, done.stdout + done.stderr
    assert '"tree_size"' in done.stdout, "audit checkpoint signed one"
    assert "evidence.zip: 1 journeys" in done.stdout
    assert '"ok": true' in done.stdout, "the bundle verifies offline"
    assert "HTTP export 200" in done.stdout
    assert "Traceback" not in done.stderr
    with zipfile.ZipFile(tmp_path / "api.zip") as bundle:
        assert "events.ndjson" in bundle.namelist()
