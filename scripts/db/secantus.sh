#!/usr/bin/env bash
# Dev/test MongoDB-wire server (the default): SecantusDB's `secantusd-rs` (WiredTiger storage,
# MongoDB wire protocol, single node), built from the crate registry and run on loopback. Its
# queries use our compound indexes (explain shows IXSCAN), unlike FerretDB 1.24 on SQLite.
#
# Usage: scripts/db/secantus.sh build|start|stop|status
#   HORNET_STATE_DIR       required for start/stop/status (e.g. $ROOT/.state/dev)
#   MONGO_PORT             default 27117 (FERRETDB_PORT is read too, for older environments)
#   SECANTUS_CACHE_SIZE    WiredTiger cache, default 256M (its own default is 4G)
#   HORNET_CACHE_DIR       where the build is kept, default ~/.cache/hornet: outside the
#                          checkout, so every clone on this machine reuses one build
#   SECANTUS_BUILD_TIMEOUT seconds a build may take before it is stopped, default 2400

SERVER=secantus
# shellcheck source=../lib/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/server.sh"
# Pinned: the crate, its exact pre-release and (--locked) its own Cargo.lock.
CRATE=secantus-mdb
VERSION=0.5.3-beta.196
CACHE="${HORNET_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hornet}"
PREFIX="$CACHE/secantus-$VERSION"
BIN="$PREFIX/bin/secantusd-rs"
PORT="${MONGO_PORT:-${FERRETDB_PORT:-27117}}"

live_pid() { pidfile_live "$PIDFILE" secantusd-rs; }

cmd_build() {
    [[ -x "$BIN" ]] && return 0
    command -v cargo >/dev/null || die "cargo not found: the Rust toolchain builds $CRATE $VERSION (or use HORNET_MONGO_SERVER=ferretdb)"
    command -v cmake >/dev/null || die "cmake not found: $CRATE compiles WiredTiger with cmake and a C compiler (apt-get install cmake)"
    mkdir -p "$CACHE"
    # One build at a time on this machine; a second caller waits for it and then reuses it.
    exec 9>"$CACHE/secantus-$VERSION.lock"
    flock 9
    [[ -x "$BIN" ]] && return 0
    local log="$CACHE/secantus-$VERSION-build.log" limit="${SECANTUS_BUILD_TIMEOUT:-2400}"
    echo "secantus: building $CRATE $VERSION from the crate registry into $PREFIX" >&2
    echo "secantus: first build only (about 10 min on 2 cores; later clones reuse it); log: $log" >&2
    rm -rf "$PREFIX.tmp"
    # --ignore-rust-version: the crate declares rust 1.98; this exact version builds with 1.95.
    if ! timeout --kill-after=30 "$limit" cargo install "$CRATE" --version "$VERSION" --locked \
            --ignore-rust-version --root "$PREFIX.tmp" >"$log" 2>&1; then
        tail -n 20 "$log" >&2 || true
        rm -rf "$PREFIX.tmp"
        die "building $CRATE $VERSION failed or took over ${limit}s (log: $log). To run on FerretDB instead: HORNET_MONGO_SERVER=ferretdb"
    fi
    rm -rf "$PREFIX"
    mv "$PREFIX.tmp" "$PREFIX"
    echo "secantus: built $BIN" >&2
}

cmd_start() {
    state_paths
    if already_running "$HOST:$PORT"; then return 0; fi
    before_start MONGO_PORT
    # An empty config of our own: --config turns off the search for ./secantusd.toml and
    # ~/.secantus/secantusd.toml, so nothing outside the project changes how it runs.
    local conf="$HORNET_STATE_DIR/run/secantusd.toml"
    : >"$conf"
    # --standalone: a plain server (no replica-set advertisement; we use no change streams).
    # --sync-on-commit: the log is flushed before a write is acknowledged, as j=true means.
    setsid nohup "$BIN" --config "$conf" --host "$HOST" --port "$PORT" --storage-path "$DATA" \
        --standalone --sync-on-commit --cache-size "${SECANTUS_CACHE_SIZE:-256M}" \
        --log-level "${SECANTUS_LOG_LEVEL:-WARNING}" </dev/null >>"$LOG" 2>&1 &
    local pid=$!
    echo "$pid" >"$PIDFILE"
    await_ready "$pid" 60 mongo_ping "$HOST" "$PORT"
    echo "secantus: running (pid $pid) on mongodb://$HOST:$PORT/ data=$DATA"
}

cmd_stop() {
    state_paths
    pidfile_stop secantus "$PIDFILE" secantusd-rs 30
}

cmd_status() {
    state_paths
    pidfile_status "$PIDFILE" secantusd-rs "port $PORT"
}

server_main "$@"
