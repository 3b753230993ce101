# Needs only python3 (3.11+) and GNU make: everything else goes into .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install; older than pyproject.toml means reinstall.
INSTALLED := $(VENV)/.installed
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
# A venv whose creation failed half-way loses its marker, so the next run starts over.
.DELETE_ON_ERROR:
.PHONY: help run test unit lint fmt bench mutate clean venv

help:
	@echo "make run    create .venv, install, seed a demo clinic, print tokens, serve :8000"
	@echo "make test   ruff, mypy, import-linter, then pytest (SQLite and PostgreSQL)"
	@echo "make unit   the fast tier: tests/unit only (no database server, no browser)"
	@echo "make lint   ruff check, ruff format --check, mypy, import-linter"
	@echo "make fmt    ruff format and ruff check --fix"
	@echo "make bench  run the benchmarks (python -m bench)"
	@echo "make mutate mutation testing of the rules (mutmut; see docs/testing.md)"
	@echo "make clean  remove .venv, var/ (the demo database and its key) and caches"

$(VENV)/pyvenv.cfg:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "error: $(PYTHON) is older than 3.11" >&2; exit 1; }
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml $(VENV)/pyvenv.cfg
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(INSTALLED)

run: $(INSTALLED)
	$(BIN)/kap-journeys demo
	$(BIN)/kap-journeys serve

# The checks shared by test and lint; make stops at the first that fails.
define LINT
$(BIN)/ruff check .
$(BIN)/ruff format --check .
$(BIN)/mypy
$(BIN)/lint-imports
endef

# The quick checks first: a lint error fails in seconds, not after the slow tests.
test: $(INSTALLED)
	$(LINT)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

unit: $(INSTALLED)
	$(BIN)/python -m pytest tests/unit -q $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(LINT)

fmt: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(INSTALLED)
	$(BIN)/python -m bench

# Mutation testing of the protocol's rules (not part of `make test`: it takes long).
# docs/testing.md explains every surviving mutant.
mutate: $(INSTALLED)
	$(BIN)/python -m pip install --quiet "mutmut>=3.8,<4"
	$(BIN)/mutmut run --max-children $(or $(JOBS),4)
	$(BIN)/mutmut export-cicd-stats
	$(BIN)/python .ci/mutation_score.py

clean:
	rm -rf $(VENV) var mutants .pytest_cache .mypy_cache .ruff_cache .hypothesis \
		.import_linter_cache build dist *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
