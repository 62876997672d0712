#!/usr/bin/env bash
# Distributed training on one machine with torch.distributed (torchrun) and MMEngine's
# launcher: one process per GPU, or per CPU worker with the gloo backend (the default
# dist_cfg of configs/_base_/default_runtime.py).
#   bash tools/dist_train.sh CONFIG NPROC [tools/train.py options ...]
# Several machines: set NNODES, NODE_RANK, MASTER_ADDR (and PORT) on each.
# (tools/dist_test.sh runs tools/test.py through this script, with TOOL=test.py.)
set -euo pipefail
CONFIG=$1
NPROC=$2
shift 2
PY=${PYTHON:-$(dirname "$0")/../.venv/bin/python}
exec "$PY" -m torch.distributed.run --nnodes="${NNODES:-1}" --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" --master_port="${PORT:-29500}" \
    --nproc_per_node="$NPROC" "$(dirname "$0")/${TOOL:-train.py}" "$CONFIG" --launcher pytorch "$@"
