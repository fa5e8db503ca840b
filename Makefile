# office-tui — `make run` opens the app, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/office-tui

test: $(STAMP)
	$(BIN)/python -m pytest

demo: $(STAMP)
	$(BIN)/office-tui demo

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/import_applications.py
	$(BIN)/python benchmarks/triage.py
	$(BIN)/python benchmarks/tally.py
	$(BIN)/python benchmarks/assignment.py
	$(BIN)/python benchmarks/export.py
	$(BIN)/python benchmarks/reconcile.py
	$(BIN)/python benchmarks/cli.py
	$(BIN)/python benchmarks/usage.py

clean:
	rm -rf $(VENV) build *.egg-info
