#!/usr/bin/env bash
# Builds kube-apiserver, kubectl and etcd from source, through the Go module proxy, into the layout
# io.fabric8:kube-api-test reads: ${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<x.y.z>-linux-<arch>/.
#
# Idempotent: a binary that is already there (and answers its version) is not built again.
# Each binary is built in a small wrapper module of its own, generated under the cache folder:
#   - kube-apiserver and kubectl from k8s.io/kubernetes. That module requires its ~30 staging
#     modules at v0.0.0 and replaces them with ./staging/..., which a dependent module cannot see,
#     so the wrapper replaces each of them with its published v0.<minor>.<patch> release. The list
#     is read from the upstream go.mod of the exact version, never written by hand.
#   - etcd from go.etcd.io/etcd/server/v3, in a module of its own so that version selection does
#     not move the API server's etcd client or gRPC versions.
#
# Environment: KUBE_VERSION (default 1.34.4), ETCD_VERSION (default 3.6.16),
#              KUBE_API_TEST_DIR (default ~/.kubeapitest), KUBE_BINARIES_WORK (default
#              ~/.cache/shoot-dualstack-operator/kube-binaries: the wrapper modules).
# Prints the binaries' folder on its last line.
set -euo pipefail

KUBE_VERSION="${KUBE_VERSION:-1.34.4}"
ETCD_VERSION="${ETCD_VERSION:-3.6.16}"
ROOT="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
WORK="${KUBE_BINARIES_WORK:-$HOME/.cache/shoot-dualstack-operator/kube-binaries}"

log() { printf '[kube-binaries] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

if ! command -v go >/dev/null 2>&1; then
  for candidate in /usr/local/go/bin/go /usr/lib/go/bin/go; do
    if [ -x "$candidate" ]; then PATH="$(dirname "$candidate"):$PATH"; break; fi
  done
fi
command -v go >/dev/null 2>&1 || die "Go is not installed (needed to build kube-apiserver, kubectl and etcd for the integration tests). Install Go 1.24 or newer and put 'go' on the PATH, or set KUBE_API_TEST_DIR to a folder that already holds k8s/${KUBE_VERSION}-linux-<arch>/{kube-apiserver,kubectl,etcd}."

case "$(go env GOARCH)" in
  amd64|arm64) ARCH="$(go env GOARCH)" ;;
  *) die "unsupported architecture $(go env GOARCH)" ;;
esac
[[ "$KUBE_VERSION" =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] || die "KUBE_VERSION must look like 1.34.4, not '$KUBE_VERSION'"
KUBE_MAJOR="${BASH_REMATCH[1]}"; KUBE_MINOR="${BASH_REMATCH[2]}"; KUBE_PATCH="${BASH_REMATCH[3]}"
STAGING_VERSION="v0.${KUBE_MINOR}.${KUBE_PATCH}"
OUT="$ROOT/k8s/${KUBE_VERSION}-linux-${ARCH}"
mkdir -p "$OUT" "$WORK"

export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local
GO_MINOR="$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')"
[ "$GO_MINOR" -ge 24 ] || die "Go $(go env GOVERSION) is too old: kube-apiserver ${KUBE_VERSION} needs Go 1.24 or newer"

present() { # name, version-command...
  local bin="$OUT/$1"; shift
  [ -x "$bin" ] && "$bin" "$@" >/dev/null 2>&1
}

timed_build() { # label, then the command
  local label="$1"; shift
  local start=$SECONDS
  log "building $label (a cold build takes minutes; later runs skip it)"
  "$@"
  log "built $label in $((SECONDS - start)) s"
}

kubernetes_module() {
  local dir="$WORK/kubernetes-v${KUBE_VERSION}"
  if [ ! -f "$dir/.ready" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    log "resolving k8s.io/kubernetes v${KUBE_VERSION} through the Go module proxy"
    local upstream
    upstream="$(cd "$dir" && go mod download -json "k8s.io/kubernetes@v${KUBE_VERSION}" | sed -nE 's/^[[:space:]]*"GoMod": "(.*)",?$/\1/p')"
    [ -f "$upstream" ] || die "could not download k8s.io/kubernetes v${KUBE_VERSION} from the Go module proxy"
    {
      echo "module shootdualstack.local/kube-binaries/kubernetes"
      echo
      grep -E '^go [0-9]' "$upstream"
      grep -E '^godebug ' "$upstream" || true
      echo
      echo "require k8s.io/kubernetes v${KUBE_VERSION}"
      echo
      echo "replace ("
      # every staging module that upstream points at ./staging/, pinned to its published release
      sed -nE 's#^[[:space:]]*(k8s\.io/[A-Za-z0-9._-]+) => \./staging/.*$#\1#p' "$upstream" |
        while read -r module; do echo "	$module => $module $STAGING_VERSION"; done
      echo ")"
    } > "$dir/go.mod"
    local count
    count="$(grep -c "=> k8s.io/.* $STAGING_VERSION" "$dir/go.mod")"
    [ "$count" -gt 20 ] || die "found only $count staging modules in the upstream go.mod of k8s.io/kubernetes v${KUBE_VERSION}"
    log "wrapper module with $count staging replacements; downloading the dependencies"
    (cd "$dir" && go get "k8s.io/kubernetes/cmd/kube-apiserver@v${KUBE_VERSION}" "k8s.io/kubernetes/cmd/kubectl@v${KUBE_VERSION}")
    touch "$dir/.ready"
  fi
  echo "$dir"
}

kube_ldflags() {
  local flags="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=v${KUBE_VERSION} -X $pkg.gitMajor=${KUBE_MAJOR} -X $pkg.gitMinor=${KUBE_MINOR}"
    flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  echo "$flags"
}

build_kube() { # binary name
  local dir; dir="$(kubernetes_module)"
  (cd "$dir" && go build -trimpath -ldflags "$(kube_ldflags)" -o "$OUT/$1.tmp" "k8s.io/kubernetes/cmd/$1")
  mv "$OUT/$1.tmp" "$OUT/$1"
}

build_etcd() {
  local dir="$WORK/etcd-v${ETCD_VERSION}"
  if [ ! -f "$dir/.ready" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    log "resolving go.etcd.io/etcd/server/v3 v${ETCD_VERSION} through the Go module proxy"
    printf 'module shootdualstack.local/kube-binaries/etcd\n\ngo 1.24\n' > "$dir/go.mod"
    (cd "$dir" && go get "go.etcd.io/etcd/server/v3@v${ETCD_VERSION}")
    touch "$dir/.ready"
  fi
  (cd "$dir" && go build -trimpath -ldflags "-s -w" -o "$OUT/etcd.tmp" go.etcd.io/etcd/server/v3)
  mv "$OUT/etcd.tmp" "$OUT/etcd"
}

total_start=$SECONDS
if present etcd --version; then log "etcd v${ETCD_VERSION}: present"; else timed_build "etcd v${ETCD_VERSION}" build_etcd; fi
if present kube-apiserver --version; then log "kube-apiserver v${KUBE_VERSION}: present"; else timed_build "kube-apiserver v${KUBE_VERSION}" build_kube kube-apiserver; fi
if present kubectl version --client; then log "kubectl v${KUBE_VERSION}: present"; else timed_build "kubectl v${KUBE_VERSION}" build_kube kubectl; fi

# read whole before matching: grep -q would stop reading early and fail the pipeline with SIGPIPE
apiserver_version="$("$OUT/kube-apiserver" --version)"
[ "$apiserver_version" = "Kubernetes v${KUBE_VERSION}" ] || die "$OUT/kube-apiserver reports '$apiserver_version', not v${KUBE_VERSION}: remove it to build it again"
etcd_version="$("$OUT/etcd" --version)"
etcd_version="${etcd_version%%$'\n'*}"
[ "$etcd_version" = "etcd Version: ${ETCD_VERSION}" ] || die "$OUT/etcd reports '$etcd_version', not ${ETCD_VERSION}: remove it to build it again"
log "ready in $((SECONDS - total_start)) s: kube-apiserver, kubectl and etcd in $OUT"
echo "$OUT"
