#!/usr/bin/env bash
# Dev/test MongoDB-wire server: FerretDB v1.24 (embedded SQLite backend),
# built from servers/ferretdb and run on loopback.
#
# Usage: scripts/db/ferretdb.sh build|start|stop|status
#   HORNET_STATE_DIR  required for start/stop/status (e.g. $ROOT/.state/dev)
#   MONGO_PORT        default 27117 (FERRETDB_PORT is read too)
#   FERRETDB_LOG_LEVEL default info

SERVER=ferretdb
# shellcheck source=../lib/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/server.sh"
SRC="$ROOT/servers/ferretdb"
BIN="$ROOT/.cache/bin/hornet-ferretdb"
PORT="${MONGO_PORT:-${FERRETDB_PORT:-27117}}"

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

cmd_start() {
    state_paths
    if already_running "$HOST:$PORT"; then return 0; fi
    before_start MONGO_PORT

    # setsid: own session/process group, so a Ctrl-C in the caller's terminal
    # does not hit the server directly; the caller's trap runs `stop` instead.
    FERRETDB_TELEMETRY=disable DO_NOT_TRACK=1 setsid nohup "$BIN" \
        -listen "$HOST:$PORT" -data "$DATA" -log-level "${FERRETDB_LOG_LEVEL:-info}" \
        </dev/null >>"$LOG" 2>&1 &
    local pid=$!
    echo "$pid" >"$PIDFILE"
    await_ready "$pid" 30 mongo_ping "$HOST" "$PORT"
    echo "ferretdb: running (pid $pid) on mongodb://$HOST:$PORT/ data=$DATA"
}

cmd_stop() {
    state_paths
    pidfile_stop ferretdb "$PIDFILE" hornet-ferretdb 10
}

cmd_status() {
    state_paths
    pidfile_status "$PIDFILE" hornet-ferretdb "port $PORT"
}

server_main "$@"
