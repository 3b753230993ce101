"""The bundle's files on disk: written readable by their owner only (they hold decrypted
patient data), and a file that is not a bundle refused in one line."""

from __future__ import annotations

import os
import stat
import zipfile

import pytest
from typer.testing import CliRunner

from interface.cli.main import app as cli
from interface.services import Services
from tests.integration.journeys_app import open_journey, post
from tests.integration.signed import signed_settings
from tests.story import intake


@pytest.fixture
def env(database_url):
    settings = signed_settings(
        database_url,
        run_projections=False,
    )
    services = Services(settings)
    journey_id = open_journey(services.journeys)
    for s in intake():
        post(services.journeys, journey_id, s)
    services.close()
    return {
        "KAP_DATABASE_URL": settings.database_url,
        "KAP_CIPHER_KEY": settings.cipher_key or "",
        "KAP_SIGNING_KEY": settings.signing_key or "",
    }


def export(env, out):
    return CliRunner().invoke(
        cli, ["audit", "export", "--clinic", "clinic-a", "--out", str(out)], env=env
    )


@pytest.fixture
def open_umask():
    """A permissive umask, as an operator's shell may have: the mode must not rely on it."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_an_exported_bundle_is_readable_by_its_owner_only(env, tmp_path, open_umask):
    out = tmp_path / "clinic-a.zip"

    done = export(env, out)

    assert done.exit_code == 0, done.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with zipfile.ZipFile(out) as bundle:
        assert "events.ndjson" in bundle.namelist()


def test_a_bundle_written_over_a_readable_file_is_made_owner_only(env, tmp_path, open_umask):
    out = tmp_path / "clinic-a.zip"
    out.write_bytes(b"an older export")
    out.chmod(0o644)

    done = export(env, out)

    assert done.exit_code == 0, done.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert zipfile.is_zipfile(out)


def verify_bundle(path):
    return CliRunner().invoke(cli, ["audit", "verify-bundle", str(path)])


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def test_verifying_a_missing_bundle_says_so_in_one_line(tmp_path):
    done = verify_bundle(tmp_path / "nowhere.zip")

    assert done.exit_code == 2
    line = one_line(done.output)
    assert "nowhere.zip" in line
    assert "no such file" in line
    assert "Traceback" not in done.output


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"not a zip at all\n", "not a zip"),
        (b"", "not a zip"),
        (None, "lacks checkpoints.json"),  # a zip, but not an evidence bundle
    ],
)
def test_verifying_a_file_that_is_not_a_bundle_says_so_in_one_line(tmp_path, content, says):
    path = tmp_path / "file.zip"
    if content is None:
        with zipfile.ZipFile(path, "w") as other:
            other.writestr("public_key.b64", "AAAA\n")
    else:
        path.write_bytes(content)

    done = verify_bundle(path)

    assert done.exit_code == 2
    line = one_line(done.output)
    assert "file.zip" in line
    assert says in line


def test_verifying_a_directory_says_so_in_one_line(tmp_path):
    done = verify_bundle(tmp_path)

    assert done.exit_code == 2
    assert "not a file" in one_line(done.output)
