#!/usr/bin/env bash
# Distributed testing: bash tools/dist_test.sh CONFIG CHECKPOINT NPROC [tools/test.py options ...]
set -euo pipefail
CONFIG=$1
CHECKPOINT=$2
NPROC=$3
shift 3
TOOL=test.py exec bash "$(dirname "$0")/dist_train.sh" "$CONFIG" "$NPROC" "$CHECKPOINT" "$@"
