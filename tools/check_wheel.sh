#!/usr/bin/env bash
# The package as a user gets it (CI runs this beside the tests): build the wheel, install
# it into a fresh venv (its dependencies from the package index, no clone on the path),
# then, from a folder outside the clone, train and test a tiny version of the default
# detector on real NEON images with the `detplug` command, its config named, not a path.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup_env.sh
TMP=$(mktemp -d /tmp/detplug_wheel.XXXX)
trap 'rm -rf "$TMP"' EXIT
.venv/bin/python -m pip wheel --quiet --no-deps --no-build-isolation -w "$TMP/dist" .
python3 -m venv "$TMP/venv"
"$TMP/venv/bin/python" -m pip install --quiet "$TMP"/dist/detplug-*.whl 2> "$TMP/pip.log" \
  || { cat "$TMP/pip.log"; exit 1; }
echo "installed $(basename "$TMP"/dist/detplug-*.whl) with torch $("$TMP/venv/bin/python" -c \
  'import torch, torchvision; print(torch.__version__, "/ torchvision", torchvision.__version__)')"
.venv/bin/python tools/prepare_neon.py --out "$TMP/run/data/neon_trees" > /dev/null
cd "$TMP/run"
DETPLUG="$TMP/venv/bin/detplug"
"$DETPLUG" list-configs 'faster_rcnn_r18_neon*'
TINY="model.backbone.base_channels=8 model.rpn_head.in_channels=32 model.rpn_head.feat_channels=32
model.roi_head.bbox_head.in_channels=32 model.roi_head.bbox_head.fc_channels=32
train_dataloader.batch_size=2 train_dataloader.num_workers=0 train_dataloader.persistent_workers=False"
# shellcheck disable=SC2086
"$DETPLUG" train faster_rcnn_r18_neon --work-dir work \
    --cfg-options $TINY train_cfg.max_iters=4 default_hooks.logger.interval=2 \
    | grep -E 'Iter\(train\) \[4/4\]|coco/AP50' | cut -c1-140
# shellcheck disable=SC2086
"$DETPLUG" test faster_rcnn_r18_neon work/iter_4.pth --work-dir work/test --cfg-options $TINY \
    | tail -n 1
"$TMP/venv/bin/python" -c "import plugins; assert 'site-packages' in plugins.__file__, plugins.__file__"
echo "wheel check passed"
