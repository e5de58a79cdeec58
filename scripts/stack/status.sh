#!/usr/bin/env bash
# Tells whether each part of the local stack runs and answers; exits 0 only when both do.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ok=0
if pid_alive "$STACK_DIR/kafka/kafka.pid" && (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null; then
  echo "kafka:    running, pid $(cat "$STACK_DIR/kafka/kafka.pid"), 127.0.0.1:$KAFKA_PORT (SASL $SCRAM_PORT)"
else
  echo "kafka:    not running (log $STACK_DIR/kafka/kafka.log)"
  ok=1
fi
url=http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7
if pid_alive "$STACK_DIR/registry/registry.pid" &&
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url/subjects") == 200 ]]; then
  echo "registry: running, pid $(cat "$STACK_DIR/registry/registry.pid"), $url"
else
  echo "registry: not running (log $STACK_DIR/registry/registry.log)"
  ok=1
fi
exit $ok
