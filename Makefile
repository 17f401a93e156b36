# Every target bootstraps .venv itself: on a fresh machine `make demo` and `make test` are all you need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: venv demo test test-fast lint ui bench emulator constraints clean

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "meetsync needs Python 3.11+"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m cli.demo

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

# Pure logic and in-process tests only (no emulator, process or browser): under a minute.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q -m "not integration"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_like_sql assets/warehouse/sql cli/sql

ui: $(STAMP)
	$(BIN)/python -m cli.ui

bench: $(STAMP)
	$(BIN)/python -m bench.run

emulator: $(STAMP)
	$(BIN)/meetsync emulator

# Re-pin every dependency to what resolves today (run after changing pyproject.toml).
constraints:
	rm -rf .venv-pin && $(PYTHON) -m venv .venv-pin
	.venv-pin/bin/pip install --quiet --disable-pip-version-check '.[dev]'
	.venv-pin/bin/pip freeze --exclude-editable | grep -v '^meetsync' > constraints.txt
	rm -rf .venv-pin

clean:
	rm -rf $(VENV) data .dagster_home/storage .dagster_home/history .dagster_home/logs
