#!/usr/bin/env bash
# Stops the local stack: each JVM gets SIGTERM by its saved pid, then SIGKILL if it has not exited in time.
# `stop.sh --purge` also deletes the state dir (Kafka's data, logs), so the next start formats afresh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

"$STACK_SCRIPTS/registry.sh" stop
"$STACK_SCRIPTS/kafka.sh" stop
rm -f "$STACK_DIR/env"
if [[ ${1:-} == --purge ]]; then
  rm -rf "$STACK_DIR"
  echo "stack: removed $STACK_DIR"
fi
