#!/usr/bin/env bash
# Creates training/.venv-hf with the pinned packages of training/hf/requirements.txt.
# Reuses the system torch when it is there (installing it from PyPI also works, it is just large).
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -m venv --system-site-packages training/.venv-hf
training/.venv-hf/bin/pip install -q -r training/hf/requirements.txt
training/.venv-hf/bin/python -c "import torch, transformers, optimum.exporters.onnx, onnxruntime; print('ok: torch', torch.__version__, 'transformers', transformers.__version__)"
