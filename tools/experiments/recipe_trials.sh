#!/usr/bin/env bash
# The main job's recipe with a training convenience, one seed (#39):
#   bash tools/experiments/recipe_trials.sh ema|mosaic SEED [ITERS]
# Trains CONFIG for ITERS iterations (default 2,600: what the main job fits on an AMX Xeon;
# fixed, so runs on busy and idle machines compare) and tests on OSBS_029. For EMA the one
# run gives both the average (the checkpoint's state_dict) and the raw weights (its
# ema_state_dict): EMA does not change training, so "plain" is the same run without it.
# Lines "variant seed weights AP AP50" are appended to work_dirs/trials/results.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
VARIANT=$1 SEED=$2 ITERS=${3:-2600}
PY=.venv/bin/python
case $VARIANT in
  ema) CONFIG=configs/faster_rcnn/faster_rcnn_r18_neon_bf16_ema.py ;;
  mosaic) CONFIG=configs/faster_rcnn/faster_rcnn_r18_neon_bf16_mosaic.py ;;
  *) echo "unknown variant $VARIANT" >&2; exit 2 ;;
esac
WORK=work_dirs/trials/${VARIANT}_s$SEED
$PY tools/train.py "$CONFIG" --work-dir "$WORK" --resume-or-start \
    --cfg-options train_cfg.max_iters="$ITERS" randomness.seed="$SEED"
CKPT=$(cat "$WORK/last_checkpoint")
metrics() {  # config checkpoint label
  $PY tools/test.py "$1" "$2" --work-dir "$WORK/test_$3" | tail -n 1 \
    | grep -oE 'coco/AP(50)?=[0-9.]+' | cut -d= -f2 | tr '\n' ' '
}
RESULT="$VARIANT seed=$SEED iters=$ITERS"
if [ "$VARIANT" = ema ]; then
  $PY -c "import sys, torch
c = torch.load(sys.argv[1], weights_only=True)
raw = {k[len('module.'):]: v for k, v in c['ema_state_dict'].items() if k.startswith('module.')}
torch.save(dict(meta=c['meta'], state_dict=raw), sys.argv[2])" "$CKPT" "$WORK/raw_weights.pth"
  PLAIN=configs/faster_rcnn/faster_rcnn_r18_neon_bf16.py
  echo "$RESULT raw AP AP50: $(metrics $PLAIN "$WORK/raw_weights.pth" raw)" >> work_dirs/trials/results.txt
  echo "$RESULT ema AP AP50: $(metrics $PLAIN "$CKPT" ema)" >> work_dirs/trials/results.txt
else
  echo "$RESULT AP AP50: $(metrics "$CONFIG" "$CKPT" plain)" >> work_dirs/trials/results.txt
fi
tail -n 2 work_dirs/trials/results.txt
