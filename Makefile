# corridor: a newcomer's commands. Everything installs into .venv from pyproject.toml.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo serve test test-fast lint bench bench-quick clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)  ## the main job on the built-in network: tables in the terminal, maps in out/demo
	$(BIN)/corridor demo --out out/demo

serve: $(STAMP)  ## the map page and JSON API at http://127.0.0.1:8000/ (offline)
	$(BIN)/corridor serve

test: $(STAMP)  ## every test, slow ones included, on two processes (pytest-xdist)
	$(BIN)/python -m pytest -n 2

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks conftest.py
	$(BIN)/ruff format --check src tests benchmarks conftest.py
	$(BIN)/mypy

bench: $(STAMP)  ## ratios against baselines measured in the same run (about 45 minutes on 2 cores)
	$(BIN)/python benchmarks/run.py

bench-quick: $(STAMP)  ## the same on smaller cases (about 3 minutes)
	$(BIN)/python benchmarks/run.py --quick

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache .hypothesis src/*.egg-info
