#!/usr/bin/env bash
# npm test: everything the suites need, then the suites. On a fresh machine it builds helm (Go module proxy) and
# fetches + starts the local Kafka and Schema Registry; a stack that already runs is used as is and left running.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-helm.sh >/dev/null
gopath=$(go env GOPATH 2>/dev/null || echo "$HOME/go")
export PATH="${GOBIN:-${gopath%%:*}/bin}:$PATH"

if ! bash scripts/stack/status.sh >/dev/null 2>&1; then
  bash scripts/stack/fetch.sh
  trap 'bash scripts/stack/stop.sh >/dev/null 2>&1 || true' EXIT
  bash scripts/stack/start.sh
fi

npx tsc -p .
node --test --test-concurrency=1 "$@" dist/test/
