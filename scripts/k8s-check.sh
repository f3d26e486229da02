#!/usr/bin/env bash
# `make k8s-check`: render every kustomize overlay and validate it, the compose file and the
# Dockerfile, offline.
#
#   1. tools (first run only, from the registries, into ignored folders):
#        .cache/bin/kustomize        go install sigs.k8s.io/kustomize/kustomize/v5
#        .cache/bin/compose-spec     go install github.com/compose-spec/compose-go/v2/cmd
#        .cache/k8s/istio-api-*/     Istio's CRDs, from the istio.io/api Go module
#        .cache/k8s-venv/            kubernetes-validate, checkov, cel-python (requirements-k8s.txt)
#   2. render k8s/base and k8s/overlays/{dev,prod}
#   3. docker-compose.yml against the Compose Specification (compose-go, as `docker compose`)
#   4. Kubernetes objects: kubernetes-validate --strict; Istio objects: Istio's CRD schemas
#      with unknown fields refused, plus CEL rules; then a negative self-test
#   5. checkov on the rendered overlays and the Dockerfile (scripts/k8s/checkov_gate.py)
#   6. our policy tests: pytest tests/k8s
# Steps 2-6 need no network; where `unshare` allows it they run in a network namespace
# with no interfaces, which proves it (K8S_CHECK_NO_UNSHARE=1 skips that).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# kustomize v5.8.3 needs Go 1.27 (kustomize/api v0.21.3); v5.8.2 builds on Go 1.26.
KUSTOMIZE_VERSION=v5.8.2
COMPOSE_GO_VERSION=v2.16.2
ISTIO_API_VERSION=v1.31.4
# Oldest and newest Kubernetes minor versions we validate against (kubernetes-validate
# ships 1.25-1.37): the manifests must be valid on both.
K8S_VERSIONS=(1.33.0 1.37.0)

BIN="$ROOT/.cache/bin"
WORK="$ROOT/.cache/k8s"
TOOLS="$ROOT/.cache/k8s-venv"
RENDERED="$WORK/rendered"
CRDS="$WORK/istio-api-$ISTIO_API_VERSION/customresourcedefinitions.gen.yaml"
export GOTOOLCHAIN=local  # never fetch another Go toolchain behind our back

say() { printf '\n== %s\n' "$*"; }
elapsed() { echo "   ($(( SECONDS - $1 ))s)"; }

install_go_tool() {  # install_go_tool NAME PACKAGE VERSION BINARY_NAME
  local name="$1" pkg="$2" version="$3" built="$4" stamp="$WORK/stamps/$1-$3"
  [[ -x $BIN/$name && -f $stamp ]] && return 0
  echo "   installing $name $version (go install $pkg@$version)"
  local gobin
  gobin="$(mktemp -d)"
  GOBIN="$gobin" go install "$pkg@$version"
  mkdir -p "$BIN" "$WORK/stamps"
  mv "$gobin/$built" "$BIN/$name"
  rm -rf "$gobin" "$WORK/stamps/$name-"*
  touch "$stamp"
}

install_istio_crds() {
  [[ -f $CRDS ]] && return 0
  echo "   downloading istio.io/api@$ISTIO_API_VERSION (go mod download)"
  local dir
  dir="$(go mod download -json "istio.io/api@$ISTIO_API_VERSION" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  local src="$dir/kubernetes/customresourcedefinitions.gen.yaml"
  [[ -f $src ]] || { echo "no CRD file in istio.io/api@$ISTIO_API_VERSION: $src" >&2; exit 1; }
  mkdir -p "$(dirname "$CRDS")"
  cp "$src" "$CRDS.tmp" && chmod u+w "$CRDS.tmp" && mv "$CRDS.tmp" "$CRDS"
}

install_python_tools() {
  local want have=""
  want="$(sha256sum requirements-k8s.txt | cut -d' ' -f1)"
  [[ -f $TOOLS/.requirements.sha256 ]] && have="$(cat "$TOOLS/.requirements.sha256")"
  [[ -x $TOOLS/bin/python && $want == "$have" ]] && return 0
  echo "   installing Python tools into .cache/k8s-venv (requirements-k8s.txt)"
  rm -rf "$TOOLS"
  "$ROOT/.venv/bin/python" -m venv "$TOOLS"
  "$TOOLS/bin/python" -m pip install -q --disable-pip-version-check -r requirements-k8s.txt
  echo "$want" > "$TOOLS/.requirements.sha256"
}

tools() {
  local t0=$SECONDS
  say "tools"
  install_go_tool kustomize sigs.k8s.io/kustomize/kustomize/v5 "$KUSTOMIZE_VERSION" kustomize
  install_go_tool compose-spec github.com/compose-spec/compose-go/v2/cmd "$COMPOSE_GO_VERSION" cmd
  install_istio_crds
  install_python_tools
  echo "   kustomize $("$BIN/kustomize" version), compose-go $COMPOSE_GO_VERSION," \
    "istio.io/api $ISTIO_API_VERSION, $("$TOOLS/bin/python" -c 'import importlib.metadata as m; print("checkov", m.version("checkov"))')"
  elapsed $t0
}

checks() {  # everything after the tools: no network needed
  local t0=$SECONDS rc=0
  say "render (kustomize build)"
  rm -rf "$RENDERED" && mkdir -p "$RENDERED"
  "$BIN/kustomize" build k8s/base > "$WORK/base.yaml"
  for overlay in dev prod; do
    "$BIN/kustomize" build "k8s/overlays/$overlay" > "$RENDERED/$overlay.yaml"
    echo "   k8s/overlays/$overlay: $(grep -c '^kind:' "$RENDERED/$overlay.yaml") objects"
  done
  elapsed $t0

  t0=$SECONDS
  say "docker-compose.yml (Compose Specification, compose-go $COMPOSE_GO_VERSION)"
  local scratch
  scratch="$(mktemp -d)"
  env -i PATH="$PATH" HOME="$scratch" "$BIN/compose-spec" docker-compose.yml > "$scratch/out.yml"
  echo "   valid: $("$TOOLS/bin/python" -c 'import sys, yaml; print(", ".join(yaml.safe_load(sys.stdin)["services"]))' < "$scratch/out.yml")"
  printf 'services:\n  posts:\n    image: hornet\n    read_onyl: true\n' > "$scratch/bad.yml"
  if env -i PATH="$PATH" HOME="$scratch" "$BIN/compose-spec" "$scratch/bad.yml" >/dev/null 2>&1; then
    echo "   FAIL: a compose file with an unknown key was accepted" >&2; rc=1
  else
    echo "   negative self-test: an unknown service key is refused"
  fi
  rm -rf "$scratch"
  elapsed $t0

  t0=$SECONDS
  say "schemas (kubernetes-validate --strict ${K8S_VERSIONS[*]}; Istio CRDs $ISTIO_API_VERSION)"
  local versions=()
  for v in "${K8S_VERSIONS[@]}"; do versions+=(--k8s-version "$v"); done
  "$TOOLS/bin/python" scripts/k8s/validate.py --crds "$CRDS" "${versions[@]}" \
    "$WORK/base.yaml" "$RENDERED/dev.yaml" "$RENDERED/prod.yaml" || rc=1
  "$TOOLS/bin/python" scripts/k8s/validate.py --crds "$CRDS" "${versions[@]}" --self-test \
    "$RENDERED/prod.yaml" || rc=1
  elapsed $t0

  t0=$SECONDS
  say "checkov (rendered overlays + Dockerfile)"
  CKV_SKIP_PACKAGE_UPDATE_CHECK=true "$TOOLS/bin/python" scripts/k8s/checkov_gate.py \
    --checkov "$TOOLS/bin/checkov" --skips k8s/checkov-skips.yaml --dockerfile Dockerfile \
    "$RENDERED" || rc=1
  elapsed $t0

  t0=$SECONDS
  say "policy tests (pytest tests/k8s)"
  K8S_RENDERED_DIR="$RENDERED" ISTIO_CRDS="$CRDS" \
    "$ROOT/.venv/bin/python" -m pytest -p no:cacheprovider -p no:django \
    --confcutdir=tests/k8s tests/k8s || rc=1
  elapsed $t0
  return $rc
}

if [[ ${1:-} == --checks-only ]]; then
  checks
  exit $?
fi

start=$SECONDS
tools
if [[ ${K8S_CHECK_NO_UNSHARE:-0} != 1 ]] && unshare -rn true 2>/dev/null; then
  echo "   (steps below run with no network: unshare -rn)"
  rc=0; unshare -rn "$0" --checks-only || rc=$?
else
  rc=0; checks || rc=$?
fi
say "k8s-check: $([[ $rc == 0 ]] && echo OK || echo FAILED) in $(( SECONDS - start ))s"
exit $rc
