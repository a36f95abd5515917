# Quick start: `make run` then `make test`. Both build .venv themselves.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean install

$(BIN)/vpnconf: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,lint]'
	touch $@

install: $(BIN)/vpnconf

# The main job on the bundled sample: validate it, then render it for every
# vendor and variant into out/.
run: install
	$(BIN)/vpnconf validate samples/quickstart.yaml
	$(BIN)/python -m vpnconf.quickstart samples/quickstart.yaml out

lint: install
	$(BIN)/ruff check vpnconf vendors tests benchmarks conftest.py
	$(BIN)/ruff format --check vpnconf vendors tests benchmarks conftest.py
	$(BIN)/mypy

test: install lint
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) out build dist .pytest_cache .mypy_cache .ruff_cache
