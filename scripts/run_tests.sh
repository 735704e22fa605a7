#!/usr/bin/env bash
# Run the whole suite headless: lint first, then pytest on both cores. Services the tests need
# (PostgreSQL/PostGIS on loopback) are started by the tests' own fixtures.
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen
export PYTHONDONTWRITEBYTECODE=1
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache  # the doors between layers, plugins, workbench (pyproject.toml)
.venv/bin/mypy  # layers/ and plugins/ ([tool.mypy] in pyproject.toml)
exec .venv/bin/python -m pytest -n 2 --dist loadgroup "$@"
