#!/usr/bin/env bash
# Installs the helm v3 CLI from the Go module proxy (no release-binary download is reachable in CI).
# Idempotent: does nothing when the pinned version is already at $GOBIN (or ~/go/bin).
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.22.0}"
if [ -n "${GOBIN:-}" ]; then
  BIN_DIR="$GOBIN"
else
  gopath="$(go env GOPATH 2>/dev/null || true)"
  gopath="${gopath:-$HOME/go}"
  BIN_DIR="${gopath%%:*}/bin"   # go install uses the first GOPATH entry
fi

if [ -x "$BIN_DIR/helm" ] && "$BIN_DIR/helm" version --template '{{.Version}}' 2>/dev/null | grep -qx "$HELM_VERSION"; then
  echo "helm $HELM_VERSION already at $BIN_DIR/helm"
  exit 0
fi

command -v go >/dev/null || { echo "install-helm: go is required (helm is built from source)" >&2; exit 1; }
# go's download chatter (over 100 lines) goes to a log; one line here says where.
log="${PADELLM_BUILD_LOG_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/padellm-stream}/install-helm.log"
mkdir -p "$(dirname "$log")"
echo "building helm $HELM_VERSION into $BIN_DIR (a few minutes on 2 cores; log: $log)" >&2
# -ldflags sets the version helm reports; without it a `go install` build says v3.x-dev-ish "unreleased".
if ! GOBIN="$BIN_DIR" CGO_ENABLED=0 go install \
  -ldflags "-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}" \
  "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}" >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "install-helm: go install failed; full log: $log" >&2
  exit 1
fi
"$BIN_DIR/helm" version --short
