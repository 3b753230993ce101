"""The FHIR mapping is an outward format: it imports no web framework, and it gives every
stage an EpisodeOfCare status and every route of the wire contract a coded route."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

from interface.fhir.codes import ROUTES
from interface.fhir.episode import EPISODE_STATUS
from interface.http.schemas.common import Route, Stage

FHIR_PACKAGE = Path(__file__).parents[2] / "interface" / "fhir"
WEB = {"fastapi", "starlette", "pydantic", "uvicorn"}


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_mapping_imports_no_web_framework() -> None:
    modules = sorted(FHIR_PACKAGE.glob("*.py"))

    assert len(modules) > 5
    for module in modules:
        assert not imported(module) & WEB, module.name
        assert "interface" not in imported(module) or all(
            "interface.http" not in line and "interface.web" not in line
            for line in module.read_text().splitlines()
            if line.startswith(("from ", "import "))
        ), module.name


def test_every_stage_has_an_episode_status() -> None:
    assert set(EPISODE_STATUS) == set(get_args(Stage))


def test_every_route_of_the_wire_contract_is_coded() -> None:
    assert set(ROUTES) == set(get_args(Route))
