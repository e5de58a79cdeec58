#!/usr/bin/env bash
# Starts the local stack (Kafka + Apicurio Registry), waits until both answer, and writes $STACK_DIR/env with
# their addresses for tests and the demo. Run scripts/stack/fetch.sh first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

mkdir -p "$STACK_DIR"
rm -f "$STACK_DIR/env"
# Both start at once: each spends most of its start waiting on its own JVM warm-up.
"$STACK_SCRIPTS/kafka.sh" start &
kafka=$!
"$STACK_SCRIPTS/registry.sh" start &
registry=$!
failed=0
wait "$kafka" || failed=1
wait "$registry" || failed=1
((failed == 0)) || die "start failed (logs under $STACK_DIR); scripts/stack/stop.sh stops what did start"

cat >"$STACK_DIR/env" <<EOF2
PADELLM_BROKERS=127.0.0.1:$KAFKA_PORT
PADELLM_SCRAM_BROKERS=127.0.0.1:$SCRAM_PORT
PADELLM_SCRAM_USERNAME=$SCRAM_USER
PADELLM_SCRAM_PASSWORD=$SCRAM_PASSWORD
PADELLM_TLS_BROKERS=127.0.0.1:$TLS_PORT
PADELLM_TLS_CA_FILE=$STACK_DIR/kafka/tls/ca.pem
PADELLM_TLS_CERT_FILE=$STACK_DIR/kafka/tls/client.pem
PADELLM_TLS_KEY_FILE=$STACK_DIR/kafka/tls/client.key
PADELLM_REGISTRY_URL=http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7
EOF2
echo "stack: ready; addresses in $STACK_DIR/env"
cat "$STACK_DIR/env"
