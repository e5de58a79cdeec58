# Settings shared by the stack scripts (sourced, not run).

STACK_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$STACK_SCRIPTS/../.." && pwd)

STACK_CACHE=${PADELLM_STACK_CACHE:-$HOME/.cache/padellm-stack}
KAFKA_LIBS=$STACK_CACHE/kafka-libs
APICURIO_VERSION=${PADELLM_APICURIO_VERSION:-3.3.3}
APICURIO_HOME=$STACK_CACHE/apicurio-registry-$APICURIO_VERSION

STACK_DIR=${PADELLM_STACK_DIR:-$REPO_ROOT/.stack}
KAFKA_PORT=${PADELLM_KAFKA_PORT:-9092}
CONTROLLER_PORT=${PADELLM_CONTROLLER_PORT:-9093}
SCRAM_PORT=${PADELLM_SCRAM_PORT:-9094}
TLS_PORT=${PADELLM_TLS_PORT:-9095}
REGISTRY_PORT=${PADELLM_REGISTRY_PORT:-8081}
READY_TIMEOUT_S=${PADELLM_STACK_TIMEOUT_S:-120}

SCRAM_USER=padellm
SCRAM_PASSWORD=padellm-secret

die() {
  echo "stack: $*" >&2
  exit 1
}

# Runs "$@" up to three times: a registry download can fail on a dropped connection.
retry() {
  local attempt
  for attempt in 1 2 3; do
    "$@" && return 0
    echo "stack: attempt $attempt of 3 failed: $*" >&2
    sleep $((attempt * 5))
  done
  return 1
}

# Apicurio 3.x needs Java 21+, while the machine's default java is 17: pick the newest JDK under /usr/lib/jvm.
find_java21() {
  local java version best='' best_version=0
  for java in ${JAVA21_HOME:+$JAVA21_HOME/bin/java} /usr/lib/jvm/*/bin/java "$(command -v java || true)"; do
    [[ -x $java ]] || continue
    version=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [[ ${version%%.*} =~ ^[0-9]+$ ]] && ((version > best_version)); then
      best=$java best_version=$version
    fi
  done
  ((best_version >= 21)) || die "Apicurio Registry needs Java 21+; found none (set JAVA21_HOME)"
  echo "$best"
}

# Alive means the pid in the file still runs the command we started (pids get reused).
pid_alive() {
  local pidfile=$1 pid
  [[ -f $pidfile ]] || return 1
  pid=$(cat "$pidfile")
  kill -0 "$pid" 2>/dev/null && grep -q java "/proc/$pid/cmdline" 2>/dev/null
}

# Stops the process in a pid file: SIGTERM, wait up to $2 seconds, then SIGKILL.
stop_pidfile() {
  local pidfile=$1 grace=${2:-30} pid i
  if ! pid_alive "$pidfile"; then
    rm -f "$pidfile"
    return 0
  fi
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "stack: pid $pid still running after ${grace}s, sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$pidfile"
}

# Waits until "$@" succeeds, or dies after READY_TIMEOUT_S naming the log to read.
wait_until() {
  local what=$1 log=$2 pidfile=$3
  shift 3
  local deadline=$((SECONDS + READY_TIMEOUT_S))
  until "$@" >/dev/null 2>&1; do
    if ! pid_alive "$pidfile"; then
      tail -n 30 "$log" >&2 || true
      die "$what exited during start; see $log"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 30 "$log" >&2 || true
      die "$what not ready after ${READY_TIMEOUT_S}s; see $log"
    fi
    sleep 1
  done
}
