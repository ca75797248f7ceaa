# pgprobe: every target installs what it needs into .venv first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: demo test test-embedded test-system lab lint bench docs clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[notebook,dev]"
	$(PY) -m pip install --quiet --no-deps --force-reinstall -e .
	touch $(STAMP)

## demo: start the embedded PostgreSQL 18 demo database and show a first investigation
demo: $(STAMP)
	$(VENV)/bin/pgprobe demo up
	$(VENV)/bin/pgprobe demo tour

## test: the whole suite on the embedded PostgreSQL 18, then on the system's PostgreSQL
test: $(STAMP)
	$(MAKE) --no-print-directory test-embedded
	$(MAKE) --no-print-directory test-system

# The Splinter oracle (tests/advise/test_oracle.py) needs a local Splinter checkout that CI
# cannot fetch: it is deselected here and run by hand (see docs/advisors.md, "Oracle").
test-embedded: $(STAMP)
	PGPROBE_TEST_PG=embedded $(PY) -m pytest -m "not splinter_oracle" $(PYTEST_ARGS)

# The conformance corpus always runs on the system's PostgreSQL 15 (its fixtures need pgcrypto,
# ltree, isn, file_fdw), and the browser and npm oracles do not depend on the server version:
# they run once, in test-embedded.
test-system: $(STAMP)
	PGPROBE_TEST_PG=system $(PY) -m pytest -m "not browser and not npm and not conformance and not splinter_oracle" $(PYTEST_ARGS)

## lab: JupyterLab on the notebooks, connected to the demo database
lab: $(STAMP)
	PGPROBE_DSN="$$($(VENV)/bin/pgprobe demo up)" $(VENV)/bin/jupyter lab \
	  --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 --ServerApp.open_browser=True

lint: $(STAMP)
	$(VENV)/bin/ruff check pgprobe tests bench
	$(VENV)/bin/mypy pgprobe

bench: $(STAMP)
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
