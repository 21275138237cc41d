# Two commands, on a fresh machine with Python 3.11 and make:
#   make run    set up, load the bundled report into a fresh store, answer every question
#   make test   set up (with the optional servers and browser where apt can), run the tests
#   make test-fast  while editing: the tests without browser, Virtuoso, Java, kill or slow ones
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STORE  ?= .ckg

.PHONY: run test test-fast lint setup setup-test system-deps bench clean

run: setup
	$(BIN)/ckg --store $(STORE) demo --fresh

# Two pytest workers (pytest-xdist), one per core; a whole file goes to one worker, so a
# module's or Virtuoso's session fixture is built once (issue 20: CI under 10 minutes).
PYTEST_JOBS ?= -n 2 --dist loadfile

test: system-deps setup-test lint
	$(BIN)/python -m pytest -q $(PYTEST_JOBS)

# The package, CLI, tests and benchmarks stay lint-clean and formatted, and the package type-checks
# (ruff: seconds; mypy: about a minute on 2 cores; part of make test).
lint: setup-test
	$(BIN)/ruff check kg cli tests benchmarks
	$(BIN)/ruff format --check kg cli tests benchmarks
	$(BIN)/python -m mypy kg cli

# While editing (aim: under two minutes on an idle 2-core machine): no browser, Virtuoso, Java, kill or slow
# tests, and not the end-to-end suites below (each drives the CLI over whole stores, for
# minutes together). `make test` runs everything; run it before a commit is shared.
END_TO_END := catalogue_bad_input catalogue_cases bad_batches shapes validate_scale \
	validate_cli derive derive_terms cli_store extract extract_docs staging viz \
	roles_gate as_of evidence docs_console
test-fast: setup-test
	$(BIN)/python -m pytest -q $(PYTEST_JOBS) -m "not (browser or virtuoso or java or kill or slow)" \
		$(foreach t,$(END_TO_END),--ignore=tests/test_$(t).py)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

setup: $(BIN)/python
	$(BIN)/python -m pip install -q -e .

setup-test: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'

# Virtuoso (integration tests of the remote backend) and Chromium (browser tests of the
# maps and briefing) come from Debian. Installed only where we are root and apt exists;
# elsewhere the tests that need them skip and say why.
system-deps:
	@bash scripts/system-deps.sh

bench: setup-test
	for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) $(STORE) *.egg-info
