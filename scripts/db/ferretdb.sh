#!/usr/bin/env bash
# Dev/test MongoDB-wire server: FerretDB v1.24 (embedded SQLite backend),
# built from servers/ferretdb and run on loopback.
#
# Usage: scripts/db/ferretdb.sh build|start|stop|status
#   HORNET_STATE_DIR  required for start/stop/status (e.g. $ROOT/.state/dev)
#   MONGO_PORT        default 27117 (FERRETDB_PORT is read too)
#   FERRETDB_LOG_LEVEL default info
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../lib/pidfile.sh
source "$ROOT/scripts/lib/pidfile.sh"
SRC="$ROOT/servers/ferretdb"
BIN="$ROOT/.cache/bin/hornet-ferretdb"
PY="$ROOT/.venv/bin/python"
PORT="${MONGO_PORT:-${FERRETDB_PORT:-27117}}"
HOST=127.0.0.1

die() { echo "ferretdb: $*" >&2; exit 1; }

state_paths() {
    [[ -n "${HORNET_STATE_DIR:-}" ]] || die "HORNET_STATE_DIR is not set"
    DATA="$HORNET_STATE_DIR/data/ferretdb"
    LOG="$HORNET_STATE_DIR/logs/ferretdb.log"
    PIDFILE="$HORNET_STATE_DIR/run/ferretdb.pid"
}

# Prints the pid from the pid file if that process is alive; else returns 1.
live_pid() { pidfile_live "$PIDFILE" hornet-ferretdb; }

cmd_build() {
    command -v go >/dev/null || die "go toolchain not found"
    # Rebuild only if the binary is missing or any source is newer than it.
    if [[ -x "$BIN" ]] && [[ -z "$(find "$SRC" -maxdepth 1 -type f \
            \( -name '*.go' -o -name go.mod -o -name go.sum \) -newer "$BIN" -print -quit)" ]]; then
        return 0
    fi
    mkdir -p "$(dirname "$BIN")"
    echo "ferretdb: building $BIN" >&2
    # ferretdb_no_postgresql: we only use SQLite; drops pgx from the binary.
    # go.sum is complete, so the default -mod=readonly works even with an empty
    # module cache (modules come from the Go proxy) and never rewrites go.mod.
    (cd "$SRC" && go build -trimpath -tags ferretdb_no_postgresql -o "$BIN.tmp" .)
    mv -f "$BIN.tmp" "$BIN"
}

# Real MongoDB ping through pymongo (exit 0 if the server answers).
ping_mongo() {
    "$PY" - "$HOST" "$PORT" <<'EOF' >/dev/null 2>&1
import sys, pymongo
c = pymongo.MongoClient(sys.argv[1], int(sys.argv[2]), serverSelectionTimeoutMS=1000,
                        connectTimeoutMS=1000, directConnection=True)
c.admin.command("ping")
EOF
}

cmd_start() {
    state_paths
    if pid="$(live_pid)"; then
        echo "ferretdb: already running (pid $pid) on $HOST:$PORT"
        return 0
    fi
    [[ -x "$PY" ]] || die "$PY not found (create the venv first)"
    cmd_build
    port_free_or_die ferretdb "$HOST" "$PORT" MONGO_PORT
    mkdir -p "$DATA" "$(dirname "$LOG")" "$(dirname "$PIDFILE")"

    # setsid: own session/process group, so a Ctrl-C in the caller's terminal
    # does not hit the server directly; the caller's trap runs `stop` instead.
    FERRETDB_TELEMETRY=disable DO_NOT_TRACK=1 setsid nohup "$BIN" \
        -listen "$HOST:$PORT" -data "$DATA" -log-level "${FERRETDB_LOG_LEVEL:-info}" \
        </dev/null >>"$LOG" 2>&1 &
    local pid=$!
    echo "$pid" >"$PIDFILE"

    local i
    for ((i = 0; i < 60; i++)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PIDFILE"
            echo "ferretdb: server exited during startup; log tail:" >&2
            tail -n 30 "$LOG" >&2 || true
            exit 1
        fi
        # Cheap TCP probe first, then a real MongoDB ping.
        if port_open "$HOST" "$PORT" && ping_mongo; then
            echo "ferretdb: running (pid $pid) on mongodb://$HOST:$PORT/ data=$DATA"
            return 0
        fi
        sleep 0.5
    done
    echo "ferretdb: no MongoDB ping answer on $HOST:$PORT after 30s; log tail:" >&2
    tail -n 30 "$LOG" >&2 || true
    cmd_stop >/dev/null 2>&1 || true
    exit 1
}

cmd_stop() {
    state_paths
    pidfile_stop ferretdb "$PIDFILE" hornet-ferretdb 10
}

cmd_status() {
    state_paths
    pidfile_status "$PIDFILE" hornet-ferretdb "port $PORT"
}

case "${1:-}" in
    build) cmd_build ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *) echo "usage: $0 build|start|stop|status" >&2; exit 2 ;;
esac
