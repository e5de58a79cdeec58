#!/usr/bin/env bash
# Apicurio Registry with in-memory storage (empty on every start): `registry.sh start` (waits until ready) or
# `registry.sh stop`. Split from start.sh so a test can take the registry down and bring it back alone.
# Confluent-compatible API: http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

registry_dir=$STACK_DIR/registry
pidfile=$registry_dir/registry.pid
log=$registry_dir/registry.log
subjects_url=http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7/subjects

subjects_ok() {
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$subjects_url") == 200 ]]
}

start() {
  [[ -f $APICURIO_HOME/.complete ]] || die "Apicurio Registry missing: run scripts/stack/fetch.sh"
  if pid_alive "$pidfile"; then
    echo "registry: already running (pid $(cat "$pidfile"))"
    return
  fi
  (exec 3<>"/dev/tcp/127.0.0.1/$REGISTRY_PORT") 2>/dev/null &&
    die "registry: port $REGISTRY_PORT is already in use by another process"
  mkdir -p "$registry_dir"
  local java jar
  java=$(find_java21)
  jar=$APICURIO_HOME/$(cat "$APICURIO_HOME/.complete")
  echo "registry: starting on 127.0.0.1:$REGISTRY_PORT, log $log"
  # BACKWARD as the global rule: @kafkajs/confluent-schema-registry's register() reads /config/{subject}
  # and refuses to register when the level differs from the BACKWARD it asks for.
  # Port 0 for the management interface (health, metrics): nothing here uses it and a fixed port may clash.
  # The in-memory H2 database keeps snapshots and imports in /tmp by default: keep them in the stack dir.
  setsid nohup "$java" -Xms64m -Xmx${PADELLM_REGISTRY_HEAP:-384m} -XX:+ExitOnOutOfMemoryError \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$REGISTRY_PORT" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port=0 \
    -Dapicurio.rules.global.compatibility=BACKWARD \
    -Dapicurio.storage.snapshot.location="$registry_dir" -Dapicurio.import.work-dir="$registry_dir" \
    -jar "$jar" >>"$log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  wait_until registry "$log" "$pidfile" subjects_ok
  echo "registry: ready"
}

case ${1:-} in
  start) start ;;
  stop)
    stop_pidfile "$pidfile" 30
    echo "registry: stopped"
    ;;
  *) die "usage: registry.sh start|stop" ;;
esac
