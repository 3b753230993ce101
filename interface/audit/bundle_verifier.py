"""Check an evidence bundle with nothing but the bundle.

This module imports only the standard library, ``cryptography`` (Ed25519) and the
stdlib-only hashing of ``domain.audit``: no database, no service. It recomputes every
entry's digest from its content and salt, every journey's chain, every entry's inclusion
in the latest signed tree, every checkpoint's signature and the consistency between
consecutive checkpoints, and names what does not hold.
"""

from __future__ import annotations

import base64
import json
import re
import zipfile
from collections import defaultdict
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


@dataclass
class BundleReport:
    ok: bool = True
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
        message = checkpoint_message(size, root, checkpoint["signed_at"], checkpoint["key_id"])
        if checkpoint["key_id"] != key_id or not _signature_holds(
            public_key, message, checkpoint["signature"]
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


def _parse_lines(text: str, report: BundleReport) -> list[dict[str, Any]]:
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            journey = re.search(r'"journey_id":\s*"([0-9a-f-]{36})"', line)
            version = re.search(r'"version":\s*(\d+)', line)
            report.add(
                "changed",
                f"Line {number} of events.ndjson is no longer valid JSON: it was altered.",
                journey.group(1) if journey else None,
                int(version.group(1)) if version else None,
            )
    return entries


def _version_of(entry: dict[str, Any]) -> int | None:
    version = entry.get("version")
    return version if isinstance(version, int) and not isinstance(version, bool) else None


def _check_entry(
    entry: dict[str, Any], previous: str, proofs: dict[str, Any], report: BundleReport
) -> None:
    journey, version = str(entry.get("journey_id")), _version_of(entry)
    content = {k: v for k, v in entry.items() if k not in SEAL_FIELDS}
    if content_digest(entry["salt"], content) != entry["digest"]:
        report.add(
            "changed",
            f"Version {version}'s content does not match its digest: it was altered.",
            journey,
            version,
        )
    elif entry_hash(previous, entry["digest"]) != entry["hash"]:
        report.add(
            "broken_link",
            f"Version {version} does not chain to the entry before it.",
            journey,
            version,
        )
    size, root = proofs["tree_size"], bytes.fromhex(proofs["root"])
    index = entry.get("leaf_index")
    proof = proofs["inclusion"].get(str(index))
    stored = entry.get("stored")
    if stored is not None and not is_hex64(stored):
        raise ValueError("stored is 64 hex characters")
    if (
        not isinstance(index, int)
        or proof is None
        or not verify_inclusion(
            leaf_hash(
                merkle_entry(
                    bytes.fromhex(entry["hash"]), None if stored is None else bytes.fromhex(stored)
                )
            ),
            index,
            size,
            [bytes.fromhex(h) for h in proof],
            root,
        )
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
        previous = GENESIS
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
            except (KeyError, TypeError, ValueError, AttributeError):
                report.add(
                    "changed",
                    f"Version {version} lacks a field or holds a malformed one: it was altered.",
                    journey,
                    version,
                )
            previous = str(entry.get("hash"))


class BundleUnreadable(ValueError):  # noqa: N818 - reads as what happened
    """Not a bundle at all (no file, not a zip, a zip without a bundle's files): nothing
    to verify, as opposed to a bundle whose contents do not hold."""


def _open_error(path: str | Path, error: OSError) -> BundleUnreadable:
    if isinstance(error, FileNotFoundError):
        return BundleUnreadable(f"{path}: no such file")
    if isinstance(error, IsADirectoryError):
        return BundleUnreadable(f"{path}: not a file (a directory)")
    if isinstance(error, PermissionError):
        return BundleUnreadable(f"{path}: not readable (permission denied)")
    return BundleUnreadable(f"{path}: cannot be read ({error.strerror or type(error).__name__})")


def _read(path: str | Path) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(path) as bundle:
            names = set(bundle.namelist())
            wanted = ("public_key.b64", "checkpoints.json", "proofs.json", "events.ndjson")
            for name in wanted:
                if name not in names:
                    raise BundleUnreadable(f"{path}: not an evidence bundle: it lacks {name}")
            return {name: bundle.read(name) for name in wanted}
    except OSError as error:
        raise _open_error(path, error) from None
    except zipfile.BadZipFile:
        raise BundleUnreadable(f"{path}: not a zip file (an evidence bundle is one)") from None


def verify_bundle(path: str | Path) -> BundleReport:
    """BundleUnreadable when ``path`` is not a bundle at all."""
    report = BundleReport()
    files = _read(path)
    try:
        public_key = base64.b64decode(files["public_key.b64"], validate=False)
        listing = json.loads(files["checkpoints.json"])
        proofs = json.loads(files["proofs.json"])
    except ValueError:
        report.add(
            "changed",
            "The bundle's public key, checkpoints or proofs no longer read: they were altered.",
        )
        return report
    events = files["events.ndjson"].decode("utf-8", errors="replace")
    _check_checkpoints(listing, public_key, report)
    signed = {(c["tree_size"], c["root"]) for c in listing["checkpoints"]}
    if (proofs["tree_size"], proofs["root"]) not in signed:
        report.add("unsigned_tree", "The proofs are against a tree no checkpoint signed.")
    _check_entries(_parse_lines(events, report), proofs, report)
    return report
