#!/usr/bin/env bash
# The full test suite (creates .venv first if needed): lint (ruff, line length 100, set in
# pyproject.toml), then pytest in TEST_WORKERS processes (pytest-xdist, default 2: this
# machine's cores; a module's tests stay in one process, so its fixtures are built once).
# Extra arguments go to pytest (-m "not slow": the unit tier only).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup_env.sh
.venv/bin/ruff check .
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-2}" --dist loadscope "$@"
