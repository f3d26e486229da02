#!/usr/bin/env bash
# Dev/test identity provider: Keycloak (org.keycloak:keycloak-quarkus-dist from Maven Central)
# in dev mode (H2 file database), the `hornet` realm imported from keycloak/hornet-realm.json,
# on loopback. The issuer is exactly http://127.0.0.1:$KEYCLOAK_PORT/realms/hornet.
#
# Usage: scripts/keycloak.sh build|start|stop|status
#   HORNET_STATE_DIR     required for start/stop/status (e.g. $ROOT/.state/dev)
#   KEYCLOAK_PORT        default 8180 (the test stack uses 8280)
#   KEYCLOAK_VERSION     default 26.4.7
#   KEYCLOAK_JAVA_HOME   a JDK 21+; default: the Temurin 25 JDK, else JAVA_HOME if it is 21+
#   KEYCLOAK_HEAP        default "-Xms64m -Xmx384m"
#   KEYCLOAK_JAVA_OPTS   extra JVM options (appended)
#   KEYCLOAK_START_TIMEOUT  seconds, default 240 (the first start also builds Keycloak's image)
#   KC_BOOTSTRAP_ADMIN_USERNAME / KC_BOOTSTRAP_ADMIN_PASSWORD
#                        master-realm admin on first start (default admin / hornet-dev-admin)
#
# Layout: the unpacked distribution is cached once in .cache/keycloak/; each state folder gets
# its own small Keycloak home ($HORNET_STATE_DIR/data/keycloak: launcher, config, build output
# and data; the jars are a symlink into the cache), so the dev and test stacks never share a
# database. A changed realm file wipes that stack's database so the next start re-imports it.

SERVER=keycloak
# shellcheck source=lib/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/server.sh"
VERSION="${KEYCLOAK_VERSION:-26.4.7}"
CACHE="$ROOT/.cache/keycloak"
DIST="$CACHE/keycloak-$VERSION"
REALM_FILE="$ROOT/keycloak/hornet-realm.json"
PORT="${KEYCLOAK_PORT:-8180}"
REALM=hornet
ISSUER="http://$HOST:$PORT/realms/$REALM"

extra_paths() { KC_HOME="$DATA"; }

java_major() {  # java_major JAVA_HOME -> prints the major version, or nothing
    [[ -x "$1/bin/java" ]] || return 0
    "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1
}

find_java() {
    local candidate major
    for candidate in "${KEYCLOAK_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 \
            /usr/lib/jvm/temurin-21-jdk-amd64 "${JAVA_HOME:-}"; do
        [[ -n "$candidate" ]] || continue
        major="$(java_major "$candidate")"
        if [[ -n "$major" ]] && (( major >= 21 )); then
            echo "$candidate"
            return 0
        fi
    done
    die "Keycloak $VERSION needs a JDK 21+; set KEYCLOAK_JAVA_HOME"
}

# Prints the pid from the pid file if that process is alive and is our Keycloak; else returns 1.
# The launcher (or the JVM it exec'd) names this stack's home: that tells a reused pid apart.
live_pid() { pidfile_live "$PIDFILE" "$KC_HOME"; }

cmd_build() {
    [[ -x "$DIST/bin/kc.sh" ]] && return 0
    mkdir -p "$CACHE"
    exec 8>"$CACHE/.build.lock"
    flock 8
    [[ -x "$DIST/bin/kc.sh" ]] && return 0
    local zip="$CACHE/keycloak-quarkus-dist-$VERSION.zip"
    if [[ ! -f "$zip" ]]; then
        command -v mvn >/dev/null || die "mvn not found (needed to fetch Keycloak from Maven Central)"
        echo "keycloak: fetching org.keycloak:keycloak-quarkus-dist:$VERSION:zip" >&2
        (cd "$CACHE" && mvn -q -B -Dstyle.color=never \
            org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
            -Dartifact="org.keycloak:keycloak-quarkus-dist:$VERSION:zip" \
            -DoutputDirectory="$CACHE" -Dmdep.overWriteIfNewer=true) >&2
    fi
    local tmp="$CACHE/.unpack-$$"
    rm -rf "$tmp"
    unzip -q "$zip" -d "$tmp"
    mv "$tmp/keycloak-$VERSION" "$DIST"
    rm -rf "$tmp"
    # The zip stays in the local Maven repository; the unpacked copy is the cache.
    rm -f "$zip"
    echo "keycloak: unpacked $DIST" >&2
}

# A per-stack Keycloak home: kc.sh derives kc.home.dir (and so data/, conf/ and the build
# output in lib/quarkus/) from its own location; the 150 MB of jars are shared read-only.
prepare_home() {
    local stamp="$KC_HOME/.dist"
    if [[ ! -f "$stamp" ]] || [[ "$(cat "$stamp")" != "$DIST" ]]; then
        rm -rf "$KC_HOME/bin" "$KC_HOME/lib" "$KC_HOME/conf" "$KC_HOME/themes" \
            "$KC_HOME/providers"
        mkdir -p "$KC_HOME/bin" "$KC_HOME/lib"
        cp "$DIST/bin/kc.sh" "$KC_HOME/bin/kc.sh"
        ln -s "$DIST/lib/lib" "$KC_HOME/lib/lib"
        cp -R "$DIST/lib/app" "$DIST/lib/quarkus" "$DIST/lib/quarkus-run.jar" "$KC_HOME/lib/"
        cp -R "$DIST/conf" "$DIST/themes" "$DIST/providers" "$KC_HOME/"
        echo "$DIST" >"$stamp"
    fi
    local sum
    sum="$(sha256sum "$REALM_FILE" | cut -d' ' -f1)"
    if [[ "$(cat "$KC_HOME/.realm.sha256" 2>/dev/null || true)" != "$sum" ]]; then
        # --import-realm skips a realm that exists: start from an empty database instead.
        rm -rf "$KC_HOME/data/h2"
    fi
    mkdir -p "$KC_HOME/data/import"
    cp "$REALM_FILE" "$KC_HOME/data/import/$REALM-realm.json"
    echo "$sum" >"$KC_HOME/.realm.sha256"
}

discovery_ok() {
    curl -fsS --max-time 2 "$ISSUER/.well-known/openid-configuration" 2>/dev/null \
        | grep -qF "\"issuer\":\"$ISSUER\""
}

cmd_start() {
    state_paths
    mkdir -p "$KC_HOME" "$(dirname "$LOG")" "$(dirname "$PIDFILE")"
    exec 9>"$HORNET_STATE_DIR/run/keycloak.lock"
    flock 9
    local pid i
    if pid="$(live_pid)"; then
        echo "keycloak: already running (pid $pid) issuer=$ISSUER"
        return 0
    fi
    port_free_or_die keycloak "$HOST" "$PORT" KEYCLOAK_PORT
    local java_home
    java_home="$(find_java)"
    cmd_build
    prepare_home
    rm -f "$PIDFILE"

    local started=$SECONDS
    # setsid: own session and process group (so `stop` can end exactly the launcher and its
    # JVM); fds 8 and 9 (locks) are closed so the server does not hold them.
    (
        cd "$KC_HOME"
        export JAVA_HOME="$java_home"
        export JAVA_OPTS_KC_HEAP="${KEYCLOAK_HEAP:--Xms64m -Xmx384m}"
        # Java 24+ needs java.lang opened for JBoss threads' thread-local reset (else a stack
        # trace at shutdown).
        export JAVA_OPTS_APPEND="--add-opens=java.base/java.lang=ALL-UNNAMED ${KEYCLOAK_JAVA_OPTS:-}"
        export KC_BOOTSTRAP_ADMIN_USERNAME="${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}"
        export KC_BOOTSTRAP_ADMIN_PASSWORD="${KC_BOOTSTRAP_ADMIN_PASSWORD:-hornet-dev-admin}"
        # The pid is written from inside the new session, so it is also the process group id.
        exec setsid sh -c 'echo $$ >"$0"; exec "$@"' "$PIDFILE" \
            "$KC_HOME/bin/kc.sh" start-dev --import-realm \
            --http-host="$HOST" --http-port="$PORT" --hostname="http://$HOST:$PORT" \
            --http-management-port="$((PORT + 1))" \
            </dev/null >>"$LOG" 2>&1 8>&- 9>&-
    ) &
    for ((i = 0; i < 50; i++)); do
        pid="$(cat "$PIDFILE" 2>/dev/null || true)"
        [[ "$pid" =~ ^[0-9]+$ ]] && break
        sleep 0.1
    done
    [[ "$pid" =~ ^[0-9]+$ ]] || die "the launcher did not start; see $LOG"

    await_ready "$pid" "${KEYCLOAK_START_TIMEOUT:-240}" discovery_ok
    echo "keycloak: running (pid $pid) in $((SECONDS - started))s issuer=$ISSUER"
}

cmd_stop() {
    state_paths
    # The launcher forwards TERM to its JVM; the group (created by setsid) holds only those two.
    pidfile_stop keycloak "$PIDFILE" "$KC_HOME" 30 group
}

cmd_status() {
    state_paths
    local pid rss
    if pid="$(live_pid)"; then
        rss="$(ps -o rss= -g "$pid" 2>/dev/null | awk '{s += $1} END {printf "%d", s / 1024}')"
        echo "running (pid $pid, rss ${rss} MiB) issuer=$ISSUER"
        return 0
    fi
    echo "stopped"
    return 1
}

server_main "$@"
