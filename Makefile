# The two commands of the README. Both set up what they need first (scripts/bootstrap.sh is idempotent).
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test lint bench sample docs

run:
	@scripts/bootstrap.sh run
	$(PY) main.py

test:
	@scripts/bootstrap.sh test
	@scripts/run_tests.sh

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy

bench:
	@scripts/bootstrap.sh test
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

sample:
	$(PY) sample_data/generate_tianhe.py

# The API reference of layers and plugins (numpydoc docstrings, Sphinx); warnings are errors.
docs:
	@scripts/bootstrap.sh docs
	$(PY) -m sphinx -W --keep-going -q -b html docs/api docs/api/_build/html
	@echo "docs: open docs/api/_build/html/index.html"
