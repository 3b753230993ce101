"""``audit verify-bundle`` on a zip whose files parse but do not have a bundle's shape: one
line naming the file inside the bundle and what is wrong with it, exit 2, no traceback.
An entry whose seal lacks a field is still a finding that names the entry (exit 1): a
byte flipped in a key name is an altered entry. Bundles of formats /1, /2 and /3 are
read; another format is refused in one line."""

from __future__ import annotations

import json
import random
import zipfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from application.audit.clinic_checkpoints import public_listing
from interface.audit.bundle import build_bundle
from interface.audit.bundle_verifier import BundleUnreadableError, verify_bundle
from interface.cli.main import app as cli
from interface.services import Services
from tests.integration.journeys_app import open_journey, post
from tests.integration.signed import signed_settings
from tests.story import intake


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> tuple[dict[str, bytes], str, dict[str, Any]]:
    """One clinic-a bundle, its journey, and the store's full listing (for a /2 bundle).
    The structure does not depend on the database: SQLite only."""
    folder = tmp_path_factory.mktemp("bundle")
    settings = signed_settings(
        f"sqlite:///{folder / 'kap.db'}",
        run_projections=False,
    )
    services = Services(settings)
    try:
        ours = open_journey(services.journeys)
        for s in intake()[:2]:
            post(services.journeys, ours, s)
        services.checkpoints.create()
        open_journey(services.journeys, patient_ref="MRN-B", clinic="clinic-b")
        services.checkpoints.create()  # clinic-a's bundle leaves it out
        post(services.journeys, ours, intake()[2])
        bundle = folder / "bundle.zip"
        bundle.write_bytes(build_bundle(services, [ours], {"clinic_id": "clinic-a"}))
        listing = public_listing(services.checkpoints)
    finally:
        services.close()
    with zipfile.ZipFile(bundle) as z:
        return {n: z.read(n) for n in z.namelist()}, str(ours), listing


def write(tmp_path: Path, files: dict[str, bytes]) -> Path:
    path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(path, "w") as bundle:
        for name, body in files.items():
            bundle.writestr(name, body)
    return path


def changed(files: dict[str, bytes], name: str, change: Callable[[Any], Any]) -> dict[str, bytes]:
    return {**files, name: json.dumps(change(json.loads(files[name]))).encode()}


def first_line(change: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, bytes]], bytes]:
    def apply(files: dict[str, bytes]) -> bytes:
        lines = files["events.ndjson"].decode().splitlines()
        lines[0] = json.dumps(change(json.loads(lines[0])))
        return ("\n".join(lines) + "\n").encode()

    return apply


def without(key: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda value: {k: v for k, v in value.items() if k != key}


def first_checkpoint(change: Callable[[dict[str, Any]], Any]) -> Callable[[Any], Any]:
    return lambda listing: {
        **listing,
        "checkpoints": [change(listing["checkpoints"][0]), *listing["checkpoints"][1:]],
    }


def verify(path: Path):
    return CliRunner().invoke(cli, ["audit", "verify-bundle", str(path)])


SHAPES: dict[str, tuple[str, Callable[[Any], Any], str]] = {
    "manifest a list": ("manifest.json", lambda m: [m], "manifest.json: not a JSON object"),
    "manifest without a format": (
        "manifest.json",
        without("format"),
        "manifest.json: lacks format",
    ),
    "checkpoints a list": (
        "checkpoints.json",
        lambda c: [c],
        "checkpoints.json: not a JSON object",
    ),
    "checkpoints not a list": (
        "checkpoints.json",
        lambda c: {**c, "checkpoints": 3},
        "checkpoints.json: checkpoints is not a list",
    ),
    "a checkpoint a string": (
        "checkpoints.json",
        first_checkpoint(lambda c: "x"),
        "checkpoints.json: checkpoint 1 is not a JSON object",
    ),
    "a checkpoint without its signature": (
        "checkpoints.json",
        first_checkpoint(without("signature")),
        "checkpoints.json: checkpoint 1 lacks signature",
    ),
    "a checkpoint's size a string": (
        "checkpoints.json",
        first_checkpoint(lambda c: {**c, "tree_size": "3"}),
        "checkpoints.json: checkpoint 1: tree_size is not a whole number >= 0",
    ),
    "a checkpoint's root not hex": (
        "checkpoints.json",
        first_checkpoint(lambda c: {**c, "root": "zz"}),
        "checkpoints.json: checkpoint 1: root is not 64 lower-case hex characters",
    ),
    "a consistency proof not a list": (
        "checkpoints.json",
        first_checkpoint(lambda c: {**c, "consistency_proof": "ab"}),
        "checkpoints.json: checkpoint 1: consistency_proof is not a list of 64 lower-case hex",
    ),
    "proofs a list": ("proofs.json", lambda p: [p], "proofs.json: not a JSON object"),
    "proofs without a root": ("proofs.json", without("root"), "proofs.json: lacks root"),
    "inclusion proofs a list": (
        "proofs.json",
        lambda p: {**p, "inclusion": []},
        "proofs.json: inclusion is not a JSON object",
    ),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_a_file_of_the_wrong_shape_is_named_in_one_line(made, tmp_path, shape):
    files, _, _ = made
    name, change, says = SHAPES[shape]

    done = verify(write(tmp_path, changed(files, name, change)))

    assert done.exit_code == 2, done.output
    lines = done.output.strip().splitlines()
    assert len(lines) == 1, done.output
    assert lines[0].startswith(f"error: {tmp_path / 'bundle.zip'}: {says}"), lines[0]


@pytest.mark.parametrize(
    ("line", "says"),
    [([1, 2], "a list"), ("text", "a string"), (None, "null")],
)
def test_an_events_line_that_is_not_an_object_is_named_by_number(made, tmp_path, line, says):
    files, _, _ = made
    events = files["events.ndjson"].decode().splitlines()
    events[1] = json.dumps(line)

    done = verify(write(tmp_path, {**files, "events.ndjson": ("\n".join(events) + "\n").encode()}))

    assert done.exit_code == 2, done.output
    assert done.output.strip().splitlines() == [
        f"error: {tmp_path / 'bundle.zip'}: events.ndjson: line 2: not a JSON object ({says})"
    ]


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b""])
@pytest.mark.parametrize("name", ["manifest.json", "checkpoints.json", "proofs.json"])
def test_a_file_that_is_not_json_is_named_in_one_line(made, tmp_path, name, body):
    files, _, _ = made

    done = verify(write(tmp_path, {**files, name: body}))

    assert done.exit_code == 2, done.output
    lines = done.output.strip().splitlines()
    assert len(lines) == 1, done.output
    assert lines[0].startswith(f"error: {tmp_path / 'bundle.zip'}: {name}: not JSON"), lines[0]


def test_a_zip_without_a_manifest_is_no_bundle(made, tmp_path):
    files, _, _ = made
    rest = {n: b for n, b in files.items() if n != "manifest.json"}

    done = verify(write(tmp_path, rest))

    assert done.exit_code == 2
    assert "lacks manifest.json" in done.output


@pytest.mark.parametrize("field", ["salt", "digest", "hash", "version"])
def test_an_entry_that_lacks_a_field_is_a_finding_naming_the_entry(made, tmp_path, field):
    files, journey, _ = made
    events = first_line(without(field))(files)

    done = verify(write(tmp_path, {**files, "events.ndjson": events}))

    assert done.exit_code == 1, done.output
    problems = json.loads(done.output)["problems"]
    assert problems, done.output
    assert {p["journey_id"] for p in problems} == {journey}
    if field != "version":
        assert [(p["version"], p["kind"]) for p in problems] == [(1, "changed")]
        assert f"lacks its {field}" in problems[0]["detail"]
    else:  # the version's own field gone: version 1 is missing, and that line altered
        assert 1 in {p["version"] for p in problems}


def relabelled(files: dict[str, bytes], format_: str) -> dict[str, bytes]:
    return changed(files, "manifest.json", lambda m: {**m, "format": format_})


@pytest.mark.parametrize("format_", ["kap-journeys-evidence/2", "kap-journeys-evidence/1"])
def test_older_bundles_with_every_checkpoint_of_the_store_still_verify(made, tmp_path, format_):
    """As /1 and /2 exported them: every checkpoint, each with the proof stored with it."""
    files, _, listing = made
    older = relabelled(files, format_)
    older["checkpoints.json"] = json.dumps(listing).encode()

    done = verify(write(tmp_path, older))

    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert report["ok"] is True
    assert report["format"] == format_
    assert report["checkpoints"] == 3


def test_a_format_this_verifier_does_not_read_is_refused_in_one_line(made, tmp_path):
    files, _, _ = made

    done = verify(write(tmp_path, relabelled(files, "kap-journeys-evidence/4")))

    assert done.exit_code == 2
    assert done.output.strip().splitlines() == [
        f"error: {tmp_path / 'bundle.zip'}: manifest.json: format 'kap-journeys-evidence/4' is "
        "not one this verifier reads (kap-journeys-evidence/1, /2 or /3)"
    ]


def test_the_bundle_as_made_verifies_and_says_its_format(made, tmp_path):
    files, _, _ = made

    done = verify(write(tmp_path, files))

    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert report["format"] == "kap-journeys-evidence/3"
    assert report["checkpoints"] == 2  # not the one that recorded clinic-b's journey only


JUNK: list[Any] = [None, True, 0, -1, 1.5, 10**30, "", "zz" * 32, "ab" * 32, [], {}, [1], ["ab"]]


def mutated(value: Any, chance: random.Random) -> Any:
    """``value`` with one node somewhere in it dropped or replaced by junk."""
    if isinstance(value, dict) and value and chance.random() < 0.8:
        key = chance.choice(list(value))
        roll = chance.random()
        if roll < 0.2:
            value.pop(key)
        else:
            value[key] = chance.choice(JUNK) if roll < 0.5 else mutated(value[key], chance)
        return value
    if isinstance(value, list) and value and chance.random() < 0.8:
        at = chance.randrange(len(value))
        value[at] = mutated(value[at], chance) if chance.random() < 0.5 else chance.choice(JUNK)
        return value
    return chance.choice(JUNK)


def test_no_shape_of_any_file_ends_in_a_traceback(made, tmp_path):
    """400 seeded mutations: each ends in a report (exit 0 or 1) or one line (exit 2)."""
    files, _, _ = made
    chance = random.Random(8)
    names = ["manifest.json", "checkpoints.json", "proofs.json", "events.ndjson"]
    for attempt in range(400):
        name = chance.choice(names)
        if name == "events.ndjson":
            lines = files[name].decode().splitlines()
            at = chance.randrange(len(lines))
            lines[at] = json.dumps(mutated(json.loads(lines[at]), chance))
            body = ("\n".join(lines) + "\n").encode()
        else:
            body = json.dumps(mutated(json.loads(files[name]), chance)).encode()
        refused = ""
        try:
            json.dumps(asdict(verify_bundle(write(tmp_path, {**files, name: body}))))
        except BundleUnreadableError as error:
            refused = str(error)
        assert "\n" not in refused, (attempt, name)
        assert not refused or f": {name}: " in refused, (attempt, name, refused)
