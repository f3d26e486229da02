# The frame every server script shares (sourced, not run; set SERVER first, e.g. SERVER=neo4j):
# ROOT and HOST, die, the state paths, the wait for a server that was just started, the MongoDB ping and the
# build|start|stop|status dispatch. Each script keeps only what is its own (how to build and
# launch its server, and how to know it answers).

set -euo pipefail

# shellcheck source=pidfile.sh
source "$(dirname "${BASH_SOURCE[0]}")/pidfile.sh"

# The checkout (ROOT) and the address every dev/test server listens on: loopback only.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HOST=127.0.0.1

die() { echo "$SERVER: $*" >&2; exit 1; }

# state_paths: DATA, LOG and PIDFILE of $SERVER in this stack's state folder; a script adds its
# own paths in a function `extra_paths`, if it has one.
state_paths() {
    [[ -n "${HORNET_STATE_DIR:-}" ]] || die "HORNET_STATE_DIR is not set"
    DATA="$HORNET_STATE_DIR/data/$SERVER"
    LOG="$HORNET_STATE_DIR/logs/$SERVER.log"
    PIDFILE="$HORNET_STATE_DIR/run/$SERVER.pid"
    if declare -F extra_paths >/dev/null; then extra_paths; fi
}

# already_running ADDRESS: says so and succeeds when this stack's server of ours already runs.
already_running() {
    local pid
    pid="$(live_pid)" || return 1
    echo "$SERVER: already running (pid $pid) on $1"
}

# before_start PORT_VARIABLE: what every start does first: the venv its probe needs, the build,
# the port free (PORT_VARIABLE names the setting to change), the state folders.
before_start() {
    [[ -x "$ROOT/.venv/bin/python" ]] || die "$ROOT/.venv/bin/python not found (create the venv first)"
    cmd_build
    port_free_or_die "$SERVER" "$HOST" "$PORT" "$1"
    mkdir -p "$DATA" "$(dirname "$LOG")" "$(dirname "$PIDFILE")"
}

# start_failed REASON: says why with the log's tail, stops what was started, exits 1.
start_failed() {
    echo "$SERVER: $1; log tail ($LOG):" >&2
    tail -n 40 "$LOG" >&2 || true
    cmd_stop >/dev/null 2>&1 || true
    exit 1
}

# await_ready PID SECONDS PROBE [ARGS...]: waits until PROBE succeeds; fails at once if PID
# exits, and after SECONDS without an answer.
await_ready() {
    local pid="$1" seconds="$2"
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PIDFILE"
            start_failed "server exited during startup"
        fi
        ((SECONDS <= deadline)) || start_failed "no answer after ${seconds}s"
        sleep 0.5
    done
}

# mongo_ping HOST PORT: a real MongoDB ping through pymongo (exit 0 if the server answers).
mongo_ping() {
    port_open "$1" "$2" || return 1
    "$ROOT/.venv/bin/python" - "$1" "$2" <<'PYEOF' >/dev/null 2>&1
import sys, pymongo
c = pymongo.MongoClient(sys.argv[1], int(sys.argv[2]), serverSelectionTimeoutMS=1000,
                        connectTimeoutMS=1000, directConnection=True)
c.admin.command("ping")
PYEOF
}

# server_main "$@": runs cmd_build, cmd_start, cmd_stop or cmd_status.
server_main() {
    case "${1:-}" in
        build | start | stop | status) "cmd_$1" ;;
        *) echo "usage: $0 build|start|stop|status" >&2; exit 2 ;;
    esac
}
