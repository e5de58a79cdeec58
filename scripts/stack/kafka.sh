#!/usr/bin/env bash
# Single-node KRaft Kafka broker: `kafka.sh start` (formats on first use, waits until ready) or `kafka.sh stop`.
# Listeners: PLAINTEXT on KAFKA_PORT, CONTROLLER on CONTROLLER_PORT, SASL_PLAINTEXT (SCRAM-SHA-256/512, PLAIN)
# on SCRAM_PORT with the user padellm/padellm-secret, SSL with client certificates required (mutual TLS) on
# TLS_PORT, from a CA made on first start. State lives in $STACK_DIR/kafka, certificates in $STACK_DIR/kafka/tls.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

kafka_dir=$STACK_DIR/kafka
pidfile=$kafka_dir/kafka.pid
log=$kafka_dir/kafka.log
config=$kafka_dir/server.properties
tls_dir=$kafka_dir/tls

# A throwaway CA, a broker certificate for 127.0.0.1/localhost and a client certificate, all PEM (Kafka reads PEM
# keystores since 2.7; kafkajs reads PEM). Keys are unencrypted PKCS#8: they protect nothing but this test broker.
make_certs() {
  [[ -f $tls_dir/client.pem ]] && return
  mkdir -p "$tls_dir"
  local days=3650 subj=/O=padellm-stream-local-stack
  (
    cd "$tls_dir"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days $days -subj "$subj/CN=local CA"
    for who in broker client; do
      openssl req -newkey rsa:2048 -nodes -keyout "$who.key.pem" -out "$who.csr" -subj "$subj/CN=$who"
      printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$who.ext"
      openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days $days -extfile "$who.ext" -out "$who.pem"
      openssl pkcs8 -topk8 -nocrypt -in "$who.key.pem" -out "$who.key"
      rm -f "$who.csr" "$who.ext" "$who.key.pem"
    done
    cat broker.key broker.pem >broker-keystore.pem
  ) >>"$log" 2>&1 || die "kafka: making TLS certificates failed; see $log"
}

write_config() {
  local scram_jaas=org.apache.kafka.common.security.scram.ScramLoginModule
  local plain_jaas=org.apache.kafka.common.security.plain.PlainLoginModule
  cat >"$config" <<EOF
# Written by scripts/stack/kafka.sh on each start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT,SASL_PLAINTEXT://127.0.0.1:$SCRAM_PORT,SSL://127.0.0.1:$TLS_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,SASL_PLAINTEXT://127.0.0.1:$SCRAM_PORT,SSL://127.0.0.1:$TLS_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL
inter.broker.listener.name=PLAINTEXT
log.dirs=$kafka_dir/data

# SCRAM users live in the cluster metadata (added at format time); PLAIN users are listed here.
sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512,PLAIN
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=$scram_jaas required;
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=$scram_jaas required;
listener.name.sasl_plaintext.plain.sasl.jaas.config=$plain_jaas required user_$SCRAM_USER="$SCRAM_PASSWORD";

# Mutual TLS: the client must present a certificate from the stack's CA.
listener.name.ssl.ssl.keystore.type=PEM
listener.name.ssl.ssl.keystore.location=$tls_dir/broker-keystore.pem
listener.name.ssl.ssl.truststore.type=PEM
listener.name.ssl.ssl.truststore.location=$tls_dir/ca.pem
listener.name.ssl.ssl.client.auth=required

# One node: every internal topic has one replica, and transactions need min.isr 1 to commit.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=5
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=5
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
num.partitions=1

# Two shared cores: keep thread pools small.
num.network.threads=2
num.io.threads=2
background.threads=2
num.recovery.threads.per.data.dir=1
log.cleaner.threads=1
EOF
}

random_cluster_id() {
  # A Kafka Uuid is 16 random bytes in unpadded base64url; saves a JVM start over `StorageTool random-uuid`.
  head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '='
}

kafka_java() {
  java -Dlog4j2.configurationFile="$STACK_SCRIPTS/log4j2.properties" -cp "$KAFKA_LIBS/*" "$@"
}

format_storage() {
  [[ -f $kafka_dir/data/meta.properties ]] && return
  [[ -f $kafka_dir/cluster-id ]] || random_cluster_id >"$kafka_dir/cluster-id"
  echo "kafka: formatting $kafka_dir/data"
  kafka_java -Dpadellm.log.level=WARN kafka.tools.StorageTool format --ignore-formatted \
    -t "$(cat "$kafka_dir/cluster-id")" -c "$config" \
    --add-scram "SCRAM-SHA-256=[name=$SCRAM_USER,password=$SCRAM_PASSWORD]" \
    --add-scram "SCRAM-SHA-512=[name=$SCRAM_USER,password=$SCRAM_PASSWORD]" >>"$log" 2>&1 ||
    die "kafka: format failed; see $log"
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

list_topics() {
  "$STACK_SCRIPTS/kafka-tool.sh" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "127.0.0.1:$KAFKA_PORT" --list
}

start() {
  [[ -f $KAFKA_LIBS/.complete ]] || die "Kafka jars missing: run scripts/stack/fetch.sh"
  if pid_alive "$pidfile"; then
    echo "kafka: already running (pid $(cat "$pidfile"))"
    return
  fi
  for port in "$KAFKA_PORT" "$CONTROLLER_PORT" "$SCRAM_PORT" "$TLS_PORT"; do
    port_open "$port" && die "kafka: port $port is already in use by another process"
  done
  mkdir -p "$kafka_dir"
  write_config
  make_certs
  format_storage
  echo "kafka: starting on 127.0.0.1:$KAFKA_PORT (SASL on $SCRAM_PORT, mutual TLS on $TLS_PORT), log $log"
  # setsid: the broker outlives the shell that started it and its process group.
  KAFKA_HEAP=${PADELLM_KAFKA_HEAP:-512m}
  setsid nohup java -Xms"$KAFKA_HEAP" -Xmx"$KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$STACK_SCRIPTS/log4j2.properties" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$config" >>"$log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  wait_until kafka "$log" "$pidfile" port_open "$KAFKA_PORT"
  # An open port is not a working broker: a metadata round trip through the tool is.
  wait_until kafka "$log" "$pidfile" list_topics
  echo "kafka: ready"
}

case ${1:-} in
  start) start ;;
  stop)
    stop_pidfile "$pidfile" 60
    echo "kafka: stopped"
    ;;
  *) die "usage: kafka.sh start|stop" ;;
esac
