#!/usr/bin/env bash
# Runs a Kafka command-line tool from the fetched jars, e.g.
#   scripts/stack/kafka-tool.sh org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list
#   scripts/stack/kafka-tool.sh org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server 127.0.0.1:9092 \
#     --topic t --from-beginning --isolation-level read_committed
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[[ -f $KAFKA_LIBS/.complete ]] || die "Kafka jars missing: run scripts/stack/fetch.sh"
(($# >= 1)) || die "usage: kafka-tool.sh MAIN_CLASS [ARGS...]"
# Client-side tools start faster with the C1 compiler only and need little heap.
exec java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
  -Dlog4j2.configurationFile="$STACK_SCRIPTS/log4j2.properties" -Dpadellm.log.level=WARN \
  -cp "$KAFKA_LIBS/*" "$@"
