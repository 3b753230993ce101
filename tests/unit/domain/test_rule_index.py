"""The rule index names, for every rule and audit check of DOMAIN.md, functions that exist
and cite it, and every rule id the code cites is in the index."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

from domain.rules import CHECKS, RULES

ROOT = Path(__file__).resolve().parents[3]
DOMAIN_MD = ROOT.parent / "shared" / "design" / "DOMAIN.md"
RULE_ID = re.compile(r"[JC]-\d\d")


def _function(dotted: str) -> object:
    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def _ids_cited_by_the_code() -> dict[str, set[str]]:
    """Each rule id the domain's code cites, with the functions that cite it."""
    cited: dict[str, set[str]] = {}
    for path in sorted((ROOT / "domain").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Constant) and RULE_ID.fullmatch(str(inner.value)):
                        cited.setdefault(str(inner.value), set()).add(f"{module}.{node.name}")
    return cited


@pytest.mark.parametrize(("rule", "entry"), [*RULES.items(), *CHECKS.items()])
def test_each_named_function_exists_and_cites_its_rule(rule, entry):
    summary, functions = entry
    assert summary
    assert functions
    for dotted in functions:
        source = inspect.getsource(_function(dotted))
        assert f'"{rule}"' in source, f"{dotted} does not cite {rule}"


def test_every_function_that_cites_a_rule_is_in_the_index():
    index = {**RULES, **CHECKS}
    for rule, functions in _ids_cited_by_the_code().items():
        assert rule in index, f"{rule} is cited by {sorted(functions)} but not in the index"
        assert functions <= set(index[rule][1]), (
            f"{rule}: also cited by {functions - set(index[rule][1])}"
        )


def test_the_index_holds_exactly_the_rules_and_checks_of_domain_md():
    if not DOMAIN_MD.exists():
        pytest.skip(f"the specification is not beside the repository ({DOMAIN_MD})")
    rows = re.findall(r"^\| ([JC]-\d\d) \|", DOMAIN_MD.read_text(), re.M)

    assert sorted(RULES) == sorted(
        {r for r in rows if r.startswith("J-")} | {r for r in ADDED_BY_2027_1 if r in RULES}
    )
    assert sorted(CHECKS) == sorted(
        {r for r in rows if r.startswith("C-")} | {r for r in ADDED_BY_2027_1 if r in CHECKS}
    )


ADDED_BY_2027_1 = {"J-16", "J-17", "J-18", "C-12", "C-13"}
"""Rules and checks added beyond DOMAIN.md: protocol 2027-1 (issue 10; docs/protocols.md)
and the clinic's REMS certification (J-18, issue 11)."""
