#!/usr/bin/env bash
# Proves the bring-your-own-model path runs end to end on a tiny random model (not for quality):
# sample sentences -> converter -> fine-tune a few steps -> Optimum export -> bundle -> validation.
#   bash training/hf/e2e.sh [qwen2|llama|gpt2] [work dir]
set -euo pipefail
family=${1:-qwen2}
work=${2:-$(mktemp -d)}
root=$(cd "$(dirname "$0")/../.." && pwd)
py=${PYTHON:-$root/training/.venv-hf/bin/python}
mkdir -p "$work"

cd "$root/training"
"$py" -m hf.tiny_model --family "$family" --tokenizer "$root/test/fixtures/models/qwen2/tokenizer.json" --out "$work/base"
"$py" -m padellm.convert --config configs/conll03.json --data hf/sample/sentences.jsonl --out "$work/train.padellm.jsonl"
"$py" -m hf.finetune --model "$work/base" --train "$work/train.padellm.jsonl" \
  --eval "$work/train.padellm.jsonl" --out "$work/finetuned" --max-steps 20 --lr 1e-3 --batch-size 8
"$py" -m hf.make_bundle --model "$work/finetuned" --out "$work/bundle" --name "e2e-$family" --int8 --max-positions 512
echo "bundle: $work/bundle"
