#!/usr/bin/env bash
# The main job: environment, NEON data, train the default detector, evaluate it on
# OSBS_029 and print its COCO metrics. Rerunning resumes or reuses the finished run.
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${CONFIG:-configs/faster_rcnn/faster_rcnn_r18_neon_bf16.py}
WORK=${WORK:-work_dirs/main}
bash tools/setup_env.sh
PY=.venv/bin/python
[ -f data/neon_trees/val.json ] || $PY tools/prepare_neon.py --out data/neon_trees
$PY tools/train.py "$CONFIG" --work-dir "$WORK" --resume
$PY tools/test.py "$CONFIG" "$(cat "$WORK/last_checkpoint")" --work-dir "$WORK/test" \
    --out "$WORK/test/detections.json" --show-dir "$WORK/test/vis" | tail -n 1 > "$WORK/metrics.txt"
echo "all metrics: $(cat "$WORK/metrics.txt")"
echo "OSBS_029 bbox $(grep -oE 'coco/AP=[0-9.]+' "$WORK/metrics.txt" | cut -d/ -f2)" \
     "$(grep -oE 'coco/AP50=[0-9.]+' "$WORK/metrics.txt" | cut -d/ -f2)"
