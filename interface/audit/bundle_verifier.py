"""Check an evidence bundle with nothing but the bundle.

This module imports only the standard library, ``cryptography`` (Ed25519) and the
stdlib-only hashing of ``domain.audit``: no database, no service. It recomputes every
entry's digest from its content and salt, every journey's chain, every entry's inclusion
in the signed tree its proofs are against, every checkpoint's signature and the
consistency between consecutive checkpoints of the bundle, and names what does not hold.

Formats /1, /2 and /3 are read (see ``interface.audit.bundle.FORMAT``): the checks are
the same computations, and in /3 "consecutive" means consecutive in the bundle, which
holds only the checkpoints its clinic may see. A file whose shape is not the format's
(``checkpoints.json`` a list, a checkpoint without its signature, an events line that is
no JSON object) is ``BundleMalformedError``: one line naming that file and what is wrong,
where an entry's own fields (a seal field gone, as a flipped byte in its key leaves it)
are findings naming the entry.
"""

from __future__ import annotations

import base64
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.audit.checkpoint_format import checkpoint_message, key_id_of
from domain.audit.hashing import GENESIS, content_digest, entry_hash
from domain.audit.merkle import leaf_hash, verify_consistency, verify_inclusion
from domain.audit.stored import is_hex64, merkle_entry

SEAL_FIELDS = ("salt", "digest", "hash", "stored", "leaf_index")
"""Not content: ``stored`` (format /2, KAPSEAL2 entries) is the hash of the entry's
stored bytes, bound into its Merkle entry."""


@dataclass(frozen=True)
class BundleProblem:
    journey_id: str | None
    version: int | None
    kind: str
    detail: str


FORMATS = ("kap-journeys-evidence/1", "kap-journeys-evidence/2", "kap-journeys-evidence/3")
"""The formats this verifier reads: /1 entries carry no ``stored``; /3 bundles hold a
clinic's checkpoints only, each proof from the one before it in the bundle."""


@dataclass
class BundleReport:
    ok: bool = True
    format: str = ""
    events_checked: int = 0
    journeys: int = 0
    checkpoints: int = 0
    problems: list[BundleProblem] = field(default_factory=list)

    def add(
        self, kind: str, detail: str, journey: str | None = None, version: int | None = None
    ) -> None:
        self.ok = False
        self.problems.append(BundleProblem(journey, version, kind, detail))


def _signature_holds(public_key: bytes, message: bytes, signature_b64: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            base64.b64decode(signature_b64), message
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def _check_checkpoints(listing: dict[str, Any], public_key: bytes, report: BundleReport) -> None:
    key_id = key_id_of(public_key)
    previous: dict[str, Any] | None = None
    for checkpoint in listing["checkpoints"]:
        report.checkpoints += 1
        size, root = checkpoint["tree_size"], checkpoint["root"]
        try:
            message = checkpoint_message(size, root, checkpoint["signed_at"], checkpoint["key_id"])
        except ValueError:  # text that does not encode (a lone surrogate): not what was signed
            message = None
        if (
            checkpoint["key_id"] != key_id
            or message is None
            or not _signature_holds(public_key, message, checkpoint["signature"])
        ):
            report.add(
                "bad_signature",
                f"The checkpoint of {size} entries is not signed by "
                "the bundle's key: it was altered, or signed by another key.",
            )
        if previous is not None and not verify_consistency(
            previous["tree_size"],
            size,
            bytes.fromhex(previous["root"]),
            bytes.fromhex(root),
            [bytes.fromhex(h) for h in checkpoint["consistency_proof"]],
        ):
            report.add(
                "inconsistent",
                f"The checkpoint of {size} entries does not extend the "
                f"one of {previous['tree_size']}: the log was rewritten between them.",
            )
        previous = checkpoint


# The files' shapes: what the format promises before anything is checked.


class _ShapeError(ValueError):
    """What is wrong with a file's structure, said without the file's name."""


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    names = {dict: "an object", list: "a list", str: "a string", int: "a number"}
    return names.get(type(value), "a number")


def _is_size(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_hex_list(value: Any) -> bool:
    return isinstance(value, list) and all(is_hex64(node) for node in value)


Spec = dict[str, tuple[Callable[[Any], bool], str]]

HEX = (is_hex64, "64 lower-case hex characters")
TEXT = (lambda value: isinstance(value, str), "a string")
CHECKPOINT: Spec = {
    "tree_size": (_is_size, "a whole number >= 0"),
    "root": HEX,
    "signed_at": TEXT,
    "key_id": TEXT,
    "signature": TEXT,
    "consistency_proof": (_is_hex_list, "a list of 64 lower-case hex strings"),
}
LISTING: Spec = {"checkpoints": (lambda value: isinstance(value, list), "a list")}
PROOFS: Spec = {
    "tree_size": (_is_size, "a whole number >= 0"),
    "root": HEX,
    "inclusion": (lambda value: isinstance(value, dict), "a JSON object"),
}
MANIFEST: Spec = {"format": TEXT}


def _shaped(value: Any, spec: Spec, subject: str = "") -> dict[str, Any]:
    """``value`` if it is an object with every field of ``spec`` as it says; else _ShapeError
    naming the first that is not (``subject``: which part of the file, if not all of it)."""
    if not isinstance(value, dict):
        raise _ShapeError(
            f"{subject + ' is ' if subject else ''}not a JSON object ({_kind(value)})"
        )
    for key, (holds, what) in spec.items():
        if key not in value:
            raise _ShapeError(f"{subject + ' ' if subject else ''}lacks {key}")
        if not holds(value[key]):
            raise _ShapeError(f"{subject + ': ' if subject else ''}{key} is not {what}")
    return value


def _listing_shape(value: Any) -> dict[str, Any]:
    listing = _shaped(value, LISTING)
    for number, checkpoint in enumerate(listing["checkpoints"], start=1):
        _shaped(checkpoint, CHECKPOINT, f"checkpoint {number}")
    return listing


def _manifest_format(value: Any) -> str:
    found = str(_shaped(value, MANIFEST)["format"])
    if found not in FORMATS:
        raise _ShapeError(
            f"format {found[:80]!r} is not one this verifier reads "
            "(kap-journeys-evidence/1, /2 or /3)"
        )
    return found


def _json(text: str) -> Any:
    """Parsed JSON; _ShapeError saying why not."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _ShapeError(
            f"not JSON ({error.msg} at line {error.lineno} column {error.colno})"
        ) from None
    except RecursionError:
        raise _ShapeError("not JSON this verifier reads (nested too deep)") from None


def _json_file(body: bytes) -> Any:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _ShapeError("not JSON (not UTF-8 text)") from None
    return _json(text)


# The entries.


def _parse_lines(text: str, report: BundleReport) -> list[dict[str, Any]]:
    """Each line's entry. A line that is no longer JSON is a finding (a
    flipped byte does that), named by the journey and version still legible in it; a
    line that is JSON but no object is no entry at all (_ShapeError)."""
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = _json(line)
        except _ShapeError:
            journey = re.search(r'"journey_id":\s*"([0-9a-f-]{36})"', line)
            version = re.search(r'"version":\s*(\d+)', line)
            report.add(
                "changed",
                f"Line {number} of events.ndjson is no longer valid JSON: it was altered.",
                journey.group(1) if journey else None,
                int(version.group(1)) if version else None,
            )
            continue
        if not isinstance(entry, dict):
            raise _ShapeError(f"line {number}: not a JSON object ({_kind(entry)})")
        entries.append(entry)
    return entries


def _version_of(entry: dict[str, Any]) -> int | None:
    version = entry.get("version")
    return version if isinstance(version, int) and not isinstance(version, bool) else None


def _seal_problem(entry: dict[str, Any], version: int | None) -> str | None:
    """What is missing or malformed in the entry's seal, said of that version."""
    for field_name in ("salt", "digest", "hash"):
        if field_name not in entry:
            return f"Version {version} lacks its {field_name}: it was altered."
    if not isinstance(entry["salt"], str):
        return f"Version {version}'s salt is not a string: it was altered."
    for field_name in ("digest", "hash"):
        if not is_hex64(entry[field_name]):
            return (
                f"Version {version}'s {field_name} is not 64 lower-case hex characters: "
                "it was altered."
            )
    if entry.get("stored") is not None and not is_hex64(entry["stored"]):
        return f"Version {version}'s stored is not 64 lower-case hex characters: it was altered."
    return None


def _hashes(value: Any) -> list[bytes] | None:
    return [bytes.fromhex(node) for node in value] if _is_hex_list(value) else None


def _check_entry(
    entry: dict[str, Any], previous: str | None, proofs: dict[str, Any], report: BundleReport
) -> None:
    """``previous``: the chain hash before this entry, None when it cannot be known (the
    entry before lacks its hash, and was named for that)."""
    journey, version = str(entry.get("journey_id")), _version_of(entry)
    seal_problem = _seal_problem(entry, version)
    if seal_problem is not None:
        report.add("changed", seal_problem, journey, version)
        return
    content = {k: v for k, v in entry.items() if k not in SEAL_FIELDS}
    if content_digest(entry["salt"], content) != entry["digest"]:
        report.add(
            "changed",
            f"Version {version}'s content does not match its digest: it was altered.",
            journey,
            version,
        )
    elif previous is not None and entry_hash(previous, entry["digest"]) != entry["hash"]:
        report.add(
            "broken_link",
            f"Version {version} does not chain to the entry before it.",
            journey,
            version,
        )
    size, root = proofs["tree_size"], bytes.fromhex(proofs["root"])
    index = entry.get("leaf_index")
    proof = _hashes(proofs["inclusion"].get(str(index)))
    stored = entry.get("stored")
    leaf = leaf_hash(
        merkle_entry(
            bytes.fromhex(entry["hash"]), None if stored is None else bytes.fromhex(stored)
        )
    )
    if (
        not isinstance(index, int)
        or isinstance(index, bool)
        or proof is None
        or not verify_inclusion(leaf, index, size, proof, root)
    ):
        report.add(
            "not_in_tree",
            f"Version {version} is not proven to be in the signed tree of {size} entries.",
            journey,
            version,
        )


def _check_entries(
    entries: list[dict[str, Any]], proofs: dict[str, Any], report: BundleReport
) -> None:
    by_journey: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        by_journey[str(entry.get("journey_id"))].append(entry)
    report.journeys = len(by_journey)
    for journey, chain in by_journey.items():
        previous: str | None = GENESIS
        for expected, entry in enumerate(sorted(chain, key=lambda e: _version_of(e) or 0), 1):
            report.events_checked += 1
            version = _version_of(entry)
            if version != expected:
                report.add(
                    "missing",
                    f"Version {expected} is not in the bundle (or its version was altered).",
                    journey,
                    expected,
                )
            try:
                _check_entry(entry, previous, proofs, report)
            except (KeyError, TypeError, ValueError, AttributeError, RecursionError):
                # content that no longer hashes canonically (a number out of range...)
                report.add(
                    "changed",
                    f"Version {version} holds a malformed field: it was altered.",
                    journey,
                    version,
                )
            found = entry.get("hash")
            previous = found if is_hex64(found) else None


# Reading the bundle.


class BundleUnreadableError(ValueError):
    """Not a bundle at all (no file, not a zip, a zip without a bundle's files): nothing
    to verify, as opposed to a bundle whose contents do not hold."""


class BundleMalformedError(BundleUnreadableError):
    """A file in the bundle does not have the format's structure: the message names the
    file (inside the bundle) and what is wrong, in one line."""


def _open_error(path: str | Path, error: OSError) -> BundleUnreadableError:
    if isinstance(error, FileNotFoundError):
        return BundleUnreadableError(f"{path}: no such file")
    if isinstance(error, IsADirectoryError):
        return BundleUnreadableError(f"{path}: not a file (a directory)")
    if isinstance(error, PermissionError):
        return BundleUnreadableError(f"{path}: not readable (permission denied)")
    return BundleUnreadableError(
        f"{path}: cannot be read ({error.strerror or type(error).__name__})"
    )


WANTED = ("public_key.b64", "checkpoints.json", "proofs.json", "events.ndjson", "manifest.json")


def _read(path: str | Path) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(path) as bundle:
            names = set(bundle.namelist())
            for name in WANTED:
                if name not in names:
                    raise BundleUnreadableError(f"{path}: not an evidence bundle: it lacks {name}")
            return {name: bundle.read(name) for name in WANTED}
    except OSError as error:
        raise _open_error(path, error) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError):
        raise BundleUnreadableError(f"{path}: not a zip file (an evidence bundle is one)") from None


def _base64(body: bytes) -> bytes:
    try:
        return base64.b64decode(body, validate=False)
    except ValueError:
        raise _ShapeError("not base64") from None


def _file(path: str | Path, name: str, read: Callable[[], Any]) -> Any:
    try:
        return read()
    except _ShapeError as problem:
        raise BundleMalformedError(f"{path}: {name}: {problem}") from None


def verify_bundle(path: str | Path) -> BundleReport:
    """BundleUnreadableError when ``path`` is not a bundle at all, BundleMalformedError (one of
    those) when a file in it does not have the format's structure."""
    report = BundleReport()
    files = _read(path)
    manifest = files["manifest.json"]
    report.format = _file(path, "manifest.json", lambda: _manifest_format(_json_file(manifest)))
    listing = _file(
        path, "checkpoints.json", lambda: _listing_shape(_json_file(files["checkpoints.json"]))
    )
    proofs = _file(path, "proofs.json", lambda: _shaped(_json_file(files["proofs.json"]), PROOFS))
    events = files["events.ndjson"].decode("utf-8", errors="replace")
    entries = _file(path, "events.ndjson", lambda: _parse_lines(events, report))
    public_key = _file(path, "public_key.b64", lambda: _base64(files["public_key.b64"]))
    _check_checkpoints(listing, public_key, report)
    signed = {(c["tree_size"], c["root"]) for c in listing["checkpoints"]}
    if (proofs["tree_size"], proofs["root"]) not in signed:
        report.add("unsigned_tree", "The proofs are against a tree no checkpoint signed.")
    _check_entries(entries, proofs, report)
    return report
