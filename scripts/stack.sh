#!/usr/bin/env bash
# The HorNet stack on this machine: both database servers and both services, on loopback.
#
#   scripts/stack.sh servers-up|servers-down|schema|seed-demo|up|down|run|status
#
# STACK=dev (default: `make run` / `make up`), STACK=test (`make test`) or STACK=bench
# (`make bench`): each has its own ports and its own data folder under .state/$STACK, so tests
# never touch development data and the benchmark's million posts never replace it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK="${STACK:-dev}"
# HORNET_STACK_STATE_DIR: another folder for this stack (tests/servers/test_make_run.py).
export HORNET_STATE_DIR="${HORNET_STACK_STATE_DIR:-$ROOT/.state/$STACK}"
PY="$ROOT/.venv/bin/python"
# shellcheck source=lib/pidfile.sh
source "$ROOT/scripts/lib/pidfile.sh"

case "$STACK" in
  dev)
    export MONGO_PORT="${MONGO_PORT:-${FERRETDB_PORT:-27117}}" NEO4J_BOLT_PORT="${NEO4J_BOLT_PORT:-7787}"
    export NEO4J_PASSWORD="${NEO4J_PASSWORD:-hornet-dev-password}"
    export MONGO_DB="${MONGO_DB:-hornet}"
    export POSTS_PORT="${POSTS_PORT:-8001}" FOLLOWERS_PORT="${FOLLOWERS_PORT:-8002}"
    # The README's 1M-post seed rebuilds the posts indexes in one SecantusDB transaction,
    # which needs a cache this size (at 1G it retried without end: bench/README.md). A cap,
    # not a reservation: a small dev database stays small.
    export SECANTUS_CACHE_SIZE="${SECANTUS_CACHE_SIZE:-4G}"
    SETTINGS_SUFFIX="dev" ;;
  test)
    export MONGO_PORT="${MONGO_PORT:-${FERRETDB_PORT:-27217}}" NEO4J_BOLT_PORT="${NEO4J_BOLT_PORT:-7887}"
    export NEO4J_PASSWORD="${NEO4J_PASSWORD:-hornet-test-password}"
    export MONGO_DB="${MONGO_DB:-hornet_test}"
    export POSTS_PORT="${POSTS_PORT:-18001}" FOLLOWERS_PORT="${FOLLOWERS_PORT:-18002}"
    SETTINGS_SUFFIX="test" ;;
  bench)  # `make bench`: its own servers and data (1M posts), kept between runs
    export MONGO_PORT="${MONGO_PORT:-${FERRETDB_PORT:-27317}}" NEO4J_BOLT_PORT="${NEO4J_BOLT_PORT:-7987}"
    export NEO4J_PASSWORD="${NEO4J_PASSWORD:-hornet-bench-password}"
    export MONGO_DB="${MONGO_DB:-hornet_bench}"
    export POSTS_PORT="${POSTS_PORT:-28001}" FOLLOWERS_PORT="${FOLLOWERS_PORT:-28002}"
    export NEO4J_C1_ONLY="${NEO4J_C1_ONLY:-0}"  # full JIT: peak query speed over start time
    # SecantusDB builds an index in one transaction: at 1G the seed's rebuild of the posts
    # indexes over 1M posts never finished (cache-pressure rollbacks retried without end);
    # at 4G (its own default) it takes ~30 s. bench/README.md has the numbers.
    export SECANTUS_CACHE_SIZE="${SECANTUS_CACHE_SIZE:-4G}"
    SETTINGS_SUFFIX="dev" ;;
  *) echo "STACK must be dev, test or bench" >&2; exit 2 ;;
esac
export MONGO_URI="mongodb://127.0.0.1:$MONGO_PORT/"
# The MongoDB-wire server: secantus (default; its queries use our indexes) or ferretdb.
export HORNET_MONGO_SERVER="${HORNET_MONGO_SERVER:-secantus}"
case "$HORNET_MONGO_SERVER" in
  secantus|ferretdb) ;;
  *) echo "HORNET_MONGO_SERVER must be secantus or ferretdb, not '$HORNET_MONGO_SERVER'" >&2; exit 2 ;;
esac
MONGO_SCRIPT="$ROOT/scripts/db/$HORNET_MONGO_SERVER.sh"
export NEO4J_URI="bolt://127.0.0.1:$NEO4J_BOLT_PORT"
export FOLLOWERS_SERVICE_URL="http://127.0.0.1:$FOLLOWERS_PORT"
export POSTS_SERVICE_URL="http://127.0.0.1:$POSTS_PORT"
mkdir -p "$HORNET_STATE_DIR/run" "$HORNET_STATE_DIR/logs"

manage() {  # manage SERVICE ARGS...
  local service="$1"; shift
  DJANGO_SETTINGS_MODULE="settings.${SETTINGS_SUFFIX}_${service}" "$PY" "$ROOT/manage.py" "$@"
}

servers_up() {
  "$MONGO_SCRIPT" build
  "$ROOT/scripts/db/neo4j.sh" build
  # Start both at once: Neo4j's JVM start dominates, the document server is ready before it.
  "$MONGO_SCRIPT" start & local f=$!
  "$ROOT/scripts/db/neo4j.sh" start & local n=$!
  local rc=0
  wait "$f" || rc=1
  wait "$n" || rc=1
  return $rc
}

servers_down() {
  # Both document servers: whichever of them this stack started (a switch of
  # HORNET_MONGO_SERVER between up and down still stops the one that runs).
  "$ROOT/scripts/db/secantus.sh" stop || true
  "$ROOT/scripts/db/ferretdb.sh" stop || true
  "$ROOT/scripts/db/neo4j.sh" stop || true
}

schema() {
  manage posts ensure_schema
  manage followers ensure_schema
}

seed_demo() {
  manage followers seed --demo --if-empty
  manage posts seed --demo --if-empty
}

gunicorn_argv() {  # gunicorn_argv SERVICE PORT: sets GUNICORN_ARGV (an array: paths may hold spaces)
  # The command line has one source, scripts/launch.py, which the Python launchers import.
  GUNICORN_ARGV=()
  mapfile -d '' -t GUNICORN_ARGV < <("$PY" "$ROOT/scripts/launch.py" "settings.${SETTINGS_SUFFIX}_$1" "$2")
  if (( ${#GUNICORN_ARGV[@]} == 0 )); then echo "scripts/launch.py gave no command" >&2; return 1; fi
}

# The posts service's fan-out worker (docs/feed.md); its heartbeat file, on its command line,
# is its "still ours" marker.
FANOUT_ALIVE="$HORNET_STATE_DIR/run/fanout.alive"
fanout_argv() {  # sets FANOUT_ARGV (from scripts/launch.py, as GUNICORN_ARGV)
  FANOUT_ARGV=()
  mapfile -d '' -t FANOUT_ARGV < <("$PY" "$ROOT/scripts/launch.py" fanout "settings.${SETTINGS_SUFFIX}_posts" "$FANOUT_ALIVE")
  if (( ${#FANOUT_ARGV[@]} == 0 )); then echo "scripts/launch.py gave no command" >&2; return 1; fi
}

service_pidfile() { echo "$HORNET_STATE_DIR/run/$1.pid"; }  # service_pidfile SERVICE
# A gunicorn of ours names its own pid file on its command line (--pid), the worker its
# heartbeat file: the "still ours" marker.
service_marker() {
  if [[ $1 == fanout ]]; then echo "--heartbeat $FANOUT_ALIVE"; else echo "--pid $(service_pidfile "$1")"; fi
}
service_pid() { pidfile_live "$(service_pidfile "$1")" "$(service_marker "$1")"; }

wait_ready() {  # wait_ready URL SECONDS
  local url="$1" deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    if (( SECONDS > deadline )); then echo "not ready: $url" >&2; return 1; fi
    sleep 0.3
  done
}

warm_up() {
  # Neo4j plans and JIT-compiles a query on first use; do that now so a developer's first
  # feed is not served degraded because that first call outran the feed's 0.5 s timeout.
  local demo=a11ce000-0000-4000-8000-000000000001
  curl -fsS -o /dev/null -H "X-User-ID: $demo" \
    "http://127.0.0.1:$FOLLOWERS_PORT/followers/user/$demo/following/ids" 2>/dev/null || true
  curl -fsS -o /dev/null -H "X-User-ID: $demo" "http://127.0.0.1:$POSTS_PORT/feed" 2>/dev/null || true
}

services_up() {
  local service port pidfile
  for service in posts followers; do
    port=$([[ $service == posts ]] && echo "$POSTS_PORT" || echo "$FOLLOWERS_PORT")
    pidfile="$(service_pidfile "$service")"
    if service_pid "$service" >/dev/null; then continue; fi
    gunicorn_argv "$service" "$port"
    setsid "${GUNICORN_ARGV[@]}" --pid "$pidfile" \
      >>"$HORNET_STATE_DIR/logs/$service.log" 2>&1 < /dev/null &
  done
  if ! service_pid fanout >/dev/null; then
    fanout_argv
    setsid "${FANOUT_ARGV[@]}" >>"$HORNET_STATE_DIR/logs/fanout.log" 2>&1 < /dev/null &
    echo $! > "$(service_pidfile fanout)"
  fi
  wait_ready "http://127.0.0.1:$POSTS_PORT/readyz" 60
  wait_ready "http://127.0.0.1:$FOLLOWERS_PORT/readyz" 60
  warm_up
}

services_down() {
  local service pidfile
  for service in posts followers fanout; do
    pidfile="$(service_pidfile "$service")"
    [[ -f $pidfile ]] || continue
    pidfile_stop "$service" "$pidfile" "$(service_marker "$service")" 10
  done
}

status() {
  local rc=0
  echo -n "$HORNET_MONGO_SERVER: "; "$MONGO_SCRIPT" status || rc=1
  echo -n "neo4j: "; "$ROOT/scripts/db/neo4j.sh" status || rc=1
  local service pid
  for service in posts followers fanout; do
    if pid="$(service_pid "$service")"; then
      echo "$service: running (pid $pid)"
    else
      echo "$service: stopped"; rc=1
    fi
  done
  return $rc
}

# `make run`: everything in the foreground until Ctrl-C, then everything stopped (the EXIT
# trap, whatever ends the script: Ctrl-C, TERM, a failed start). Ctrl-C reaches the whole
# process group: this script's INT trap exits, and the gunicorns stop on their own INT. When
# SIGINT was ignored on entry (a shell that started us in the background), bash cannot trap it,
# but the gunicorns still stop, `wait -n` returns and the script ends. If one service dies,
# everything stops too. Test: tests/servers/test_make_run.py.
RUN_PIDS=()
stopping=0
stop_all() {
  (( stopping )) && return 0
  stopping=1
  echo; echo "stopping..."
  local pid i
  for pid in "${RUN_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # Each process gets gunicorn's graceful timeout and 5 s more to finish what it holds (the
  # master kills its own stuck workers at the graceful timeout), then it and its children are
  # killed: a stuck one never keeps Ctrl-C from stopping everything, and no orphan worker is
  # left behind (a master killed while it waited for a stuck worker did that under CI load).
  local wait_tenths=$(( (${GUNICORN_GRACEFUL_TIMEOUT:-20} + 5) * 10 ))
  for pid in "${RUN_PIDS[@]}"; do
    for ((i = 0; i < wait_tenths; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "pid $pid still running $((wait_tenths / 10)) s after TERM: killing it and its children" >&2
      pkill -KILL -P "$pid" 2>/dev/null || true
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  servers_down
  echo "stopped"
}

run_foreground() {
  trap stop_all EXIT
  trap 'exit 0' INT TERM HUP
  servers_up
  schema
  seed_demo
  local service
  for service in posts followers; do
    gunicorn_argv "$service" "$([[ $service == posts ]] && echo "$POSTS_PORT" || echo "$FOLLOWERS_PORT")"
    "${GUNICORN_ARGV[@]}" & RUN_PIDS+=($!)
  done
  fanout_argv
  "${FANOUT_ARGV[@]}" & RUN_PIDS+=($!)
  wait_ready "http://127.0.0.1:$POSTS_PORT/readyz" 60
  wait_ready "http://127.0.0.1:$FOLLOWERS_PORT/readyz" 60
  warm_up
  cat <<MSG

  HorNet is running (Ctrl-C stops everything):
    posts service      http://127.0.0.1:$POSTS_PORT/posts/docs    (API: /posts, /feed)
    followers service  http://127.0.0.1:$FOLLOWERS_PORT/followers/docs  (API: /followers)
    act as a demo user http://127.0.0.1:$POSTS_PORT/dev/act-as

MSG
  wait -n "${RUN_PIDS[@]}" || true
}

case "${1:-}" in
  servers-up) servers_up ;;
  servers-down) servers_down ;;
  schema) schema ;;
  seed-demo) seed_demo ;;
  up) servers_up; schema; seed_demo; services_up
      echo "posts http://127.0.0.1:$POSTS_PORT  followers http://127.0.0.1:$FOLLOWERS_PORT" ;;
  down) services_down; servers_down ;;
  run) run_foreground ;;
  status) status ;;
  env) env | grep -E '^(HORNET_STATE_DIR|HORNET_MONGO_SERVER|SECANTUS_|NEO4J_|MONGO_|POSTS_|FOLLOWERS_)' ;;
  *) echo "usage: $0 servers-up|servers-down|schema|seed-demo|up|down|run|status|env" >&2; exit 2 ;;
esac
