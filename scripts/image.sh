#!/usr/bin/env bash
# The container image without a registry: `make image` and `make image-check` (docs/deployment.md,
# "The image on this machine").
#
#   scripts/image.sh base     the registry-free base image, built once per content stamp
#   scripts/image.sh build    base + the HorNet image from the Dockerfile (BASE_IMAGE build arg)
#   scripts/image.sh check    build, then run tests/image: the image against the test stack's
#                             database servers; removes the containers it started
#   scripts/image.sh clean    remove the cached images (base, HorNet, untagged layers)
#
# Podman runs rootful with a configuration this script owns (.cache/image/containers.conf):
# runc (crun 1.8 refuses this machine's hybrid cgroups), cgroupfs, and default ulimits taken
# from this shell's hard limits (root here may not raise RLIMIT_NOFILE/NPROC above them, and
# podman's root defaults would; HORNET_PODMAN_ULIMITS passes the same values as flags).
# Images stay in podman's store for the next run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WORK="$ROOT/.cache/image"
mkdir -p "$WORK"

# The base: Debian bookworm minbase from the mirror apt uses, with the Python the Dockerfile needs.
DEBIAN_SUITE=bookworm
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
BASE_PACKAGES=python3,python3-venv,python3-pip,ca-certificates
BASE_REPO=localhost/hornet-base
IMAGE="${HORNET_IMAGE:-localhost/hornet:dev}"
BUILDER="$IMAGE-builder"
# The host's CA bundle, mounted read-only for the build's pip (never copied into the image).
HOST_CA="${HOST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"

say() { printf '\n== %s\n' "$*"; }

# The containers' hard limits: this shell's, which root here may not raise. runc also refuses an
# RLIMIT_NPROC above kernel.pid_max on this machine (32768 here, below `ulimit -Hu`).
NOFILE="$(ulimit -Hn)"
NPROC="$(ulimit -Hu)"
PID_MAX="$(cat /proc/sys/kernel/pid_max)"
if [[ $NPROC == unlimited ]] || (( NPROC > PID_MAX )); then NPROC="$PID_MAX"; fi
[[ $NOFILE == unlimited ]] && NOFILE=1048576
export HORNET_PODMAN_ULIMITS="--ulimit nofile=$NOFILE:$NOFILE --ulimit nproc=$NPROC:$NPROC"

podman_config() {
    cat >"$WORK/containers.conf.tmp" <<EOF
# Written by scripts/image.sh: podman on this machine.
[containers]
default_ulimits = ["nofile=$NOFILE:$NOFILE", "nproc=$NPROC:$NPROC"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
    mv "$WORK/containers.conf.tmp" "$WORK/containers.conf"
    export CONTAINERS_CONF="$WORK/containers.conf"
}

# The base image's tag is a hash of everything that shapes it (this recipe), so an unchanged
# recipe reuses the cached image and a changed one builds a new one.
base_recipe() {
    printf '%s\n' "debootstrap --variant=minbase --include=$BASE_PACKAGES $DEBIAN_SUITE $DEBIAN_MIRROR"
    declare -f base_build
}
base_tag() { echo "$BASE_REPO:$(base_recipe | sha256sum | cut -c1-12)"; }

base_build() {  # base_build TAG
    local rootfs="$WORK/rootfs"
    rm -rf "$rootfs"
    debootstrap --variant=minbase --include="$BASE_PACKAGES" "$DEBIAN_SUITE" "$rootfs" "$DEBIAN_MIRROR"
    # apt lists, caches, documentation, man pages and the tools' translations (the services
    # answer in English) are not needed to run Python.
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/log/*.log \
        "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
        "$rootfs"/usr/share/locale/*/
    tar --numeric-owner -C "$rootfs" -c . \
        | podman import --change 'CMD ["python3"]' - "$1" >/dev/null
    rm -rf "$rootfs"
}

base() {
    podman_config
    local tag
    tag="$(base_tag)"
    if podman image exists "$tag"; then
        echo "base image $tag (cached)"
    else
        say "base image $tag: debootstrap $DEBIAN_SUITE (once per recipe)"
        # Images on an older base are of no further use.
        podman image ls --format '{{.Repository}}:{{.Tag}}' \
            | grep -E "^$BASE_REPO:" | xargs -r podman rmi >/dev/null || true
        base_build "$tag"
    fi
    BASE_IMAGE="$tag"
}

build() {
    base
    say "image $IMAGE (Dockerfile, BASE_IMAGE=$BASE_IMAGE)"
    # Docker image format: it keeps the Dockerfile's HEALTHCHECK (OCI has none). buildah
    # ignores containers.conf's default_ulimits: the same limits as flags. The builder stage
    # is tagged too, so that pruning the untagged images a previous build left behind keeps
    # this build's cache (the pip layer is rebuilt only when requirements.txt changes).
    local stage
    for stage in builder runtime; do
        # shellcheck disable=SC2086
        podman build --format docker --network host --pull=never \
            --build-arg "BASE_IMAGE=$BASE_IMAGE" $HORNET_PODMAN_ULIMITS \
            --volume "$HOST_CA:/etc/ssl/certs/ca-certificates.crt:ro" --target "$stage" \
            --tag "$([[ $stage == builder ]] && echo "$BUILDER" || echo "$IMAGE")" --file Dockerfile .
    done
    podman image prune --force >/dev/null
    podman image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' "$IMAGE"
}

# The test stack's database servers, on the ports of the environment (MONGO_PORT,
# NEO4J_BOLT_PORT, POSTS_PORT, FOLLOWERS_PORT, as `make test`): started if they are not running,
# and then stopped again at the end unless KEEP_SERVERS=1.
check() {
    build
    say "image-check (tests/image against the test stack's database servers)"
    eval "$(STACK=test scripts/stack.sh env | sed 's/^/export /')"
    local up=0 rc=0
    if "scripts/db/$HORNET_MONGO_SERVER.sh" status >/dev/null 2>&1 \
        && scripts/db/neo4j.sh status >/dev/null 2>&1; then
        up=1
    fi
    STACK=test scripts/stack.sh servers-up
    if [[ $up == 0 && ${KEEP_SERVERS:-0} != 1 ]]; then
        trap 'STACK=test scripts/stack.sh servers-down' EXIT
    fi
    HORNET_IMAGE="$IMAGE" "$ROOT/.venv/bin/python" -m pytest -p no:cacheprovider -p no:django \
        --confcutdir=tests/image tests/image || rc=$?
    if (( rc != 0 )); then
        echo "image-check failed; the containers' logs: $HORNET_STATE_DIR/logs/image-check/" >&2
        tail -n 30 "$HORNET_STATE_DIR"/logs/image-check/*.log >&2 || true
    fi
    return $rc
}

clean() {
    podman_config
    podman image ls --format '{{.Repository}}:{{.Tag}}' \
        | grep -E "^($BASE_REPO|${IMAGE%%:*}):" | xargs -r podman rmi
    podman image prune --force >/dev/null
}

case "${1:-}" in
    base) base ;;
    build) build ;;
    check) check ;;
    clean) clean ;;
    *) echo "usage: scripts/image.sh base|build|check|clean" >&2; exit 2 ;;
esac
