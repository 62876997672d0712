#!/usr/bin/env bash
# The full test suite (creates .venv first if needed): lint (ruff, line length 100, set in
# pyproject.toml), then pytest in TEST_WORKERS processes (pytest-xdist, default 2: this
# machine's cores; a module's tests stay in one process, so its fixtures are built once).
# Extra arguments go to pytest (-m "not slow": the unit tier only). The tests that load ONNX
# Runtime / OpenVINO into their own process (marker "runtimes") run in a second pytest
# process: after them, a later test of the same worker once crashed with SIGSEGV
# (tests/tools/test_coco_configs.py, 2026-12-06; not yet understood, see the notes).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup_env.sh
.venv/bin/ruff check .
.venv/bin/python -m pytest -n "${TEST_WORKERS:-2}" --dist loadscope -m "not runtimes" "$@"
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-2}" --dist loadscope -m runtimes "$@"
