# Two commands on a fresh machine with only python3: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run check test test-long bench clean

install: $(STAMP)

# Re-install only when the project's dependency list changes; `pip install -e` keeps code edits live.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Python caches compiled modules at first import, unless PYTHONDONTWRITEBYTECODE is set (some
# managed machines do): then every start compiles the kiosk anew. Compiling up front costs ~30 ms.
run: install
	@$(BIN)/python -m compileall -q kiosk
	$(BIN)/kiosk $(ARGS)

# Static checks: ruff (rules in pyproject.toml), mypy --strict on the rules and the store, and the
# layer contracts (import-linter; Textual only under kiosk/ui).
check: install
	$(BIN)/ruff check kiosk tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

test: install
	$(BIN)/python -m pytest -q

test-long: install
	$(BIN)/python -m pytest -q -m long

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
