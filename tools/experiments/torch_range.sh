#!/usr/bin/env bash
# One end of the supported torch range (#39), in a venv of its own:
#   bash tools/experiments/torch_range.sh 2.4.1 0.19.1 [VENV]
# Installs that torch / torchvision, detplug (editable, so the tests import this tree)
# with its other dependencies, pytest; prints the versions, then runs the test subset
# for the models and tools: layers, heads, detectors, segmentors, the APIs, the commands,
# the command-line tools' error handling and a tiny training run with resume.
set -euo pipefail
cd "$(dirname "$0")/../.."
TORCH=$1 TV=$2 VENV=${3:-/tmp/detplug_torch_$1}
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet "torch==$TORCH" "torchvision==$TV" 2> "$VENV.pip.log"
"$VENV/bin/python" -m pip install --quiet -e . pytest pytest-xdist 2>> "$VENV.pip.log"
"$VENV/bin/python" -c "import torch, torchvision, numpy, mmengine
print('torch', torch.__version__, 'torchvision', torchvision.__version__, 'numpy',
      numpy.__version__, 'mmengine', mmengine.__version__)"
"$VENV/bin/python" -m pytest -q -n 2 --dist loadscope -m "not runtimes" \
    tests/backbones tests/necks tests/dense_heads tests/roi_heads tests/detectors \
    tests/segmentors tests/decode_heads tests/losses tests/task_modules tests/structures \
    tests/apis tests/commands tests/test_packaged_configs.py tests/engine/test_time_budget.py \
    tests/tools/test_cli.py
