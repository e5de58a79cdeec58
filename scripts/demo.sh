#!/usr/bin/env bash
# npm run demo: starts the local Kafka + Schema Registry stack (fetching it on first use), creates the demo topics,
# runs `padellm run` on the embedded model, produces sample sentences and prints the entity events as they arrive,
# then stops everything it started (also on Ctrl-C or failure).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

STACK_DIR=${PADELLM_STACK_DIR:-$PWD/.stack}
INPUT=padellm-demo-text OUTPUT=padellm-demo-entities DLQ=padellm-demo-dlq
say() { echo "demo: $*"; }

started_stack=0 processor=''
cleanup() {
  local rc=$?
  if [[ -n $processor ]] && kill -0 "$processor" 2>/dev/null; then
    say "stopping padellm run"
    kill -TERM "$processor" 2>/dev/null || true
    wait "$processor" 2>/dev/null || true
  fi
  if ((started_stack)); then
    say "stopping the local stack"
    bash scripts/stack/stop.sh >/dev/null || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ -f dist/src/cli/main.js ]] || { say "building"; npx tsc -p .; }

if bash scripts/stack/status.sh >/dev/null 2>&1; then
  say "using the local stack that is already running"
else
  say "fetching and starting the local stack (Kafka + Apicurio Registry); the first time downloads from Maven Central"
  bash scripts/stack/fetch.sh
  started_stack=1
  bash scripts/stack/start.sh >/dev/null
fi
set -a
source "$STACK_DIR/env"
set +a

model_args=()
if [[ ! -f models/padellm-conll03-smollm2-v6/padellm.json ]]; then
  say "models/padellm-conll03-smollm2-v6 is missing: using the random-weight test fixture (entities will be noise)"
  model_args=(--model-dir test/fixtures/models/qwen2)
fi

node scripts/demo-producer.mjs "$PADELLM_BROKERS" "$INPUT" "$OUTPUT" "$DLQ" create-only
log=$STACK_DIR/demo-processor.log
: >"$log" # exists before the wait loop below reads it
say "starting padellm run (log: $log)"
PADELLM_HTTP_PORT=${PADELLM_HTTP_PORT:-0} PADELLM_TRANSACTIONAL_ID=padellm-demo \
  node dist/src/cli/main.js run --input-topic "$INPUT" --output-topic "$OUTPUT" --dlq-topic "$DLQ" \
  --group-id padellm-demo "${model_args[@]}" >"$log" 2>&1 &
processor=$!

for ((i = 0; i < 120; i++)); do
  grep -q '"msg":"joined consumer group"' "$log" && break
  kill -0 "$processor" 2>/dev/null || { tail -n 20 "$log"; say "padellm run exited"; exit 1; }
  sleep 0.5
done
grep -q '"msg":"joined consumer group"' "$log" || { tail -n 20 "$log"; say "padellm run did not join its group"; exit 1; }

node scripts/demo-producer.mjs "$PADELLM_BROKERS" "$INPUT" "$OUTPUT" "$DLQ"
say "done"
