# The few verbs a newcomer needs. `make run` and `make test` are the README's quick start.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test lint typecheck unit bench clean

$(STAMP): pyproject.toml sdk/python/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' -e sdk/python
	touch $(STAMP)

install: $(STAMP)

## Install everything and start the API on the embedded default (SQLite), printing a new key.
run: install
	$(BIN)/cleanlist serve --new-key default

## Install everything and run the whole suite: lint, format, types, tests. Tests go to the
## two workers a file at a time, so a file's real servers (module fixtures) start once.
test: install lint typecheck
	$(BIN)/pytest -q -p no:cacheprovider -n 2 --dist loadfile

lint: install
	$(BIN)/ruff check src tests sdk/python bench
	$(BIN)/ruff format --check src tests sdk/python bench

typecheck: install
	$(BIN)/mypy
	$(BIN)/mypy --strict sdk/python/src/cleanlist

unit: install
	$(BIN)/pytest -q -p no:cacheprovider tests/unit sdk/python/tests

bench: install
	$(BIN)/python bench/kb_enrich.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
