#!/usr/bin/env bash
# Create .venv with detplug, its pinned dependencies and test extras (rasterio, pytest-xdist), and the example
# outside plugin (examples/giou_plugin), unless it already works.
set -euo pipefail
cd "$(dirname "$0")/.."
if .venv/bin/python -c "import plugins, torch, torchvision, mmengine, mmcv, pycocotools, pytest, \
onnxruntime, openvino, nncf, tensorboard, rasterio, xdist, wandb, mlflow, detplug_giou" 2>/dev/null && [ -x .venv/bin/ruff ] \
    && [ -x .venv/bin/detplug ]; then
  exit 0
fi
echo "setting up .venv (torch, torchvision, mmengine, mmcv-lite, pycocotools, onnxruntime, openvino; ~1-2 min)"
rm -rf .venv
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[tests]'
.venv/bin/python -m pip install --quiet --no-deps -e examples/giou_plugin
