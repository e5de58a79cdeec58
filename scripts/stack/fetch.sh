#!/usr/bin/env bash
# Gathers a Kafka broker (jars from Maven Central) and Apicurio Registry (its Quarkus app tarball) into a cache.
# Idempotent: each part is skipped when its marker says the same version is already in place, so a second run
# touches no network.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

dependency_plugin=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

fetch_kafka() {
  local marker="$KAFKA_LIBS/.complete" want
  # The pom's hash is the cache key: editing the pom (another Kafka version) refetches.
  want=$(sha256sum "$STACK_SCRIPTS/kafka-pom.xml" | cut -d' ' -f1)
  if [[ -f $marker && $(cat "$marker") == "$want" ]]; then
    echo "kafka jars: cached in $KAFKA_LIBS"
    return
  fi
  echo "kafka jars: fetching into $KAFKA_LIBS"
  rm -rf "$KAFKA_LIBS.tmp"
  retry mvn -B -q -Dstyle.color=never -f "$STACK_SCRIPTS/kafka-pom.xml" "$dependency_plugin:copy-dependencies" \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS.tmp"
  rm -rf "$KAFKA_LIBS"
  mv "$KAFKA_LIBS.tmp" "$KAFKA_LIBS"
  echo "$want" >"$marker"
}

fetch_apicurio() {
  local marker="$APICURIO_HOME/.complete" dl="$STACK_CACHE/downloads"
  if [[ -f $marker ]]; then
    echo "apicurio $APICURIO_VERSION: cached in $APICURIO_HOME"
    return
  fi
  echo "apicurio $APICURIO_VERSION: fetching into $APICURIO_HOME"
  mkdir -p "$dl"
  local tarball="$dl/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz"
  if [[ ! -s $tarball ]]; then
    retry mvn -B -q -Dstyle.color=never "$dependency_plugin:copy" \
      -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" -DoutputDirectory="$dl"
  fi
  rm -rf "$APICURIO_HOME.tmp"
  mkdir -p "$APICURIO_HOME.tmp"
  tar -xzf "$tarball" -C "$APICURIO_HOME.tmp"
  # quarkus-run.jar sits in a different folder from one release to the next: record where it is.
  local jar
  jar=$(find "$APICURIO_HOME.tmp" -name quarkus-run.jar -print -quit)
  [[ -n $jar ]] || die "no quarkus-run.jar inside $tarball"
  rm -rf "$APICURIO_HOME"
  mv "$APICURIO_HOME.tmp" "$APICURIO_HOME"
  echo "${jar#"$APICURIO_HOME.tmp/"}" >"$marker"
  rm -f "$tarball" # the unpacked app is the cache; the ~160 MB tarball is also kept in ~/.m2
}

mkdir -p "$STACK_CACHE"
fetch_kafka
fetch_apicurio
