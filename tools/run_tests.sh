#!/usr/bin/env bash
# The full test suite (creates .venv first if needed): lint (ruff, line length 100, set in
# pyproject.toml), then pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup_env.sh
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
