#!/usr/bin/env bash
# Dev/test graph server: Neo4j 5.26 Community (from Maven Central), embedded in
# servers/neo4j's launcher, serving Bolt on loopback with authentication on.
#
# Usage: scripts/db/neo4j.sh build|start|stop|status
#   HORNET_STATE_DIR   required for start/stop/status (e.g. $ROOT/.state/dev)
#   NEO4J_BOLT_PORT    default 7787
#   NEO4J_PASSWORD     default hornet-dev-password (user neo4j; min 8 chars;
#                      applied on every start, so changing it here changes it)
#   NEO4J_HEAP         JVM max heap, default 768m
#   NEO4J_PAGECACHE    page cache, default 256m
#   NEO4J_JAVA         java binary, default $JAVA_HOME/bin/java or java (17 or 21)
#   NEO4J_C1_ONLY      1 (default): C1-only JIT for a faster start; 0: full JIT
#   NEO4J_JAVA_OPTS    extra JVM options
#   NEO4J_START_TIMEOUT seconds to wait for an authenticated RETURN 1, default 90
#
# Files: data $HORNET_STATE_DIR/data/neo4j, log $HORNET_STATE_DIR/logs/neo4j.log
# (Neo4j's own debug/security/query logs in $HORNET_STATE_DIR/logs/neo4j/),
# pid $HORNET_STATE_DIR/run/neo4j.pid. Jars and classes: $ROOT/.cache/neo4j.

SERVER=neo4j
# shellcheck source=../lib/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/server.sh"
SRC="$ROOT/servers/neo4j"
CACHE="$ROOT/.cache/neo4j"
PY="$ROOT/.venv/bin/python"
PORT="${NEO4J_BOLT_PORT:-7787}"
export NEO4J_PASSWORD="${NEO4J_PASSWORD:-hornet-dev-password}"
MAIN_CLASS=hornet.Neo4jLauncher

extra_paths() { NEO_LOGS="$HORNET_STATE_DIR/logs/neo4j"; }

# Sets JAVA and JAVA_MAJOR; Neo4j 5.26 supports Java 17 and 21 only.
find_java() {
    JAVA="${NEO4J_JAVA:-}"
    if [[ -z "$JAVA" ]]; then
        if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
            JAVA="$JAVA_HOME/bin/java"
        else
            JAVA="$(command -v java || true)"
        fi
    fi
    [[ -n "$JAVA" && -x "$JAVA" ]] || die "no java found (install a JDK 17 or set NEO4J_JAVA)"
    JAVA_MAJOR="$("$JAVA" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')"
    case "$JAVA_MAJOR" in
        17 | 21) ;;
        *) die "$JAVA is Java ${JAVA_MAJOR:-?}; Neo4j 5.26 needs Java 17 or 21 (set NEO4J_JAVA)" ;;
    esac
}

# Prints the pid from the pid file if that process is alive and is our
# launcher (guards against pid reuse); else returns 1.
live_pid() { pidfile_live "$PIDFILE" "$MAIN_CLASS"; }

# Two cache markers: the jars depend on pom.xml only, the launcher's classes on
# its sources, the jars and the JDK. A source edit therefore never replaces the
# jars under a running server.
lib_key() { sha256sum <"$SRC/pom.xml" | cut -d' ' -f1; }
classes_key() {
    { find "$SRC/src" -type f -name '*.java' | LC_ALL=C sort | xargs cat; echo "java $JAVA_MAJOR lib $(lib_key)"; } \
        | sha256sum | cut -d' ' -f1
}
built() {  # built lib|classes KEY
    [[ -d "$CACHE/$1" && -f "$CACHE/$1.key" && "$(cat "$CACHE/$1.key")" == "$2" ]]
}

cmd_build() {
    find_java
    local lkey ckey
    lkey="$(lib_key)"
    ckey="$(classes_key)"
    if built lib "$lkey" && built classes "$ckey"; then
        return 0
    fi
    mkdir -p "$CACHE"
    # One build at a time (stack.sh may run several scripts at once).
    exec 9>"$CACHE/.build.lock"
    flock 9
    if ! built lib "$lkey"; then
        command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
        echo "neo4j: fetching the Neo4j jars into $CACHE/lib (Maven)" >&2
        rm -rf "$CACHE/lib.tmp" "$CACHE/lib.key"
        if ! mvn -B -q -Dstyle.color=never -f "$SRC/pom.xml" dependency:copy-dependencies \
            -DincludeScope=runtime -DoutputDirectory="$CACHE/lib.tmp" >"$CACHE/mvn.log" 2>&1; then
            cat "$CACHE/mvn.log" >&2
            die "fetching the Neo4j jars with Maven failed"
        fi
        rm -rf "$CACHE/lib"
        mv "$CACHE/lib.tmp" "$CACHE/lib"
        echo "$lkey" >"$CACHE/lib.key"
    fi
    if ! built classes "$ckey"; then
        local javac
        javac="$(dirname "$(readlink -f "$JAVA")")/javac"
        [[ -x "$javac" ]] || die "no javac next to $JAVA (install a JDK, not only a JRE)"
        echo "neo4j: compiling the launcher into $CACHE/classes" >&2
        rm -rf "$CACHE/classes.tmp" "$CACHE/classes.key"
        mapfile -t sources < <(find "$SRC/src/main/java" -type f -name '*.java')
        "$javac" --release 17 -cp "$CACHE/lib/*" -d "$CACHE/classes.tmp" "${sources[@]}"
        rm -rf "$CACHE/classes"
        mv "$CACHE/classes.tmp" "$CACHE/classes"
        echo "$ckey" >"$CACHE/classes.key"
    fi
    rm -f "$CACHE/build.key"  # marker of an earlier layout of this script
    exec 9>&-
}

# A real authenticated query over Bolt. Exit 0: answered; 3: authentication
# refused; anything else: not (yet) answering.
bolt_query() {
    "$PY" - "bolt://$HOST:$PORT" <<'EOF'
import os, sys
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError
try:
    with GraphDatabase.driver(sys.argv[1], auth=("neo4j", os.environ["NEO4J_PASSWORD"]),
                              connection_timeout=3) as driver:
        records, _, _ = driver.execute_query("RETURN 1 AS ok", database_="neo4j")
        sys.exit(0 if records[0]["ok"] == 1 else 1)
except AuthError as e:
    print(f"neo4j: authentication refused: {e}", file=sys.stderr)
    sys.exit(3)
except Exception as e:
    print(f"neo4j: no answer yet: {type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)
EOF
}

cmd_start() {
    state_paths
    if already_running "bolt://$HOST:$PORT"; then return 0; fi
    before_start NEO4J_BOLT_PORT
    mkdir -p "$NEO_LOGS"

    local jvm=(
        "-Xms${NEO4J_HEAP_INITIAL:-256m}" "-Xmx${NEO4J_HEAP:-768m}"
        -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+ExitOnOutOfMemoryError
        -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints
        --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
        -Dio.netty.tryReflectionSetAccessible=true -Djdk.nio.maxCachedBufferSize=1024
        -Dlog4j2.disable.jmx=true -Dfile.encoding=UTF-8
    )
    # C1-only JIT: on a small, busy machine the start-up is far faster (15 s
    # instead of 25-30 s here) at some cost in peak query speed; NEO4J_C1_ONLY=0
    # for the full tiered JIT (benchmarks).
    if [[ "${NEO4J_C1_ONLY:-1}" != 0 ]]; then
        jvm+=(-XX:TieredStopAtLevel=1)
    fi
    # shellcheck disable=SC2206
    jvm+=(${NEO4J_JAVA_OPTS:-})

    local offset
    offset="$(stat -c %s "$LOG" 2>/dev/null || echo 0)"
    echo "==== $(date -u +%FT%TZ) neo4j.sh start (bolt $HOST:$PORT, data $DATA)" >>"$LOG"
    offset="$(stat -c %s "$LOG")"
    # setsid: own session/process group, so a Ctrl-C in the caller's terminal
    # does not hit the server directly; the caller's trap runs `stop` instead.
    # exec keeps the pid, so the pid file names the JVM itself.
    NEO4J_HOME_DIR="$DATA" NEO4J_LOGS_DIR="$NEO_LOGS" NEO4J_BOLT_HOST="$HOST" NEO4J_BOLT_PORT="$PORT" \
    NEO4J_PAGECACHE="${NEO4J_PAGECACHE:-256m}" \
        setsid nohup "$JAVA" "${jvm[@]}" -cp "$CACHE/lib/*:$CACHE/classes" "$MAIN_CLASS" \
        </dev/null >>"$LOG" 2>&1 &
    local pid=$!
    echo "$pid" >"$PIDFILE"

    local t0=$SECONDS timeout="${NEO4J_START_TIMEOUT:-90}" rc
    while ((SECONDS - t0 < timeout)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PIDFILE"
            start_failed "server exited during startup"
        fi
        # READY is printed once the password is in force and Bolt listens;
        # then a real authenticated query must answer.
        if tail -c "+$((offset + 1))" "$LOG" | grep -q '\[hornet-neo4j\] READY '; then
            rc=0
            bolt_query 2>>"$LOG" || rc=$?
            if ((rc == 0)); then
                echo "neo4j: running (pid $pid) on bolt://$HOST:$PORT user neo4j, data=$DATA ($((SECONDS - t0))s)"
                return 0
            fi
            ((rc != 3)) || start_failed "the server refuses NEO4J_PASSWORD for user neo4j"
        fi
        sleep 0.5
    done
    start_failed "no authenticated answer on bolt://$HOST:$PORT after ${timeout}s"
}

cmd_stop() {
    state_paths
    pidfile_stop neo4j "$PIDFILE" "$MAIN_CLASS" 20
}

cmd_status() {
    state_paths
    pidfile_status "$PIDFILE" "$MAIN_CLASS" "bolt://$HOST:$PORT"
}

server_main "$@"
