# Process and port bookkeeping shared by the server scripts (sourced, not run): each server
# we start has a pid file, and we only ever signal the process it names, after checking that the
# process is still ours (its command line contains a marker), so a reused pid is never hit.

# pidfile_live PIDFILE MARKER -> prints the pid and succeeds if that process runs and is ours.
pidfile_live() {
    local pidfile="$1" marker="$2" pid
    [[ -f "$pidfile" ]] || return 1
    pid="$(cat "$pidfile" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    if [[ -r "/proc/$pid/cmdline" ]] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker"; then
        return 1
    fi
    echo "$pid"
}

# pidfile_stop NAME PIDFILE MARKER SECONDS [group]
# TERM, wait up to SECONDS, then KILL; "group" signals the process group the pid leads
# (servers started with setsid whose launcher has children). Removes the pid file.
pidfile_stop() {
    local name="$1" pidfile="$2" marker="$3" seconds="$4" group="${5:-}" pid target i
    if ! pid="$(pidfile_live "$pidfile" "$marker")"; then
        rm -f "$pidfile"
        echo "$name: not running"
        return 0
    fi
    target="$pid"
    [[ "$group" == group ]] && target="-$pid"
    kill -TERM -- "$target" 2>/dev/null || true
    for ((i = 0; i < seconds * 10; i++)); do
        kill -0 -- "$target" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 -- "$target" 2>/dev/null; then
        echo "$name: pid $pid ignored TERM for ${seconds}s, sending KILL" >&2
        kill -KILL -- "$target" 2>/dev/null || true
    fi
    rm -f "$pidfile"
    echo "$name: stopped (pid $pid)"
}

# pidfile_status PIDFILE MARKER DESCRIPTION -> "running (...)" / "stopped", exit 0 / 1.
pidfile_status() {
    local pid
    if pid="$(pidfile_live "$1" "$2")"; then
        echo "running (pid $pid, $3)"
        return 0
    fi
    echo "stopped"
    return 1
}

# port_open HOST PORT -> succeeds if something accepts TCP connections there.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# port_free_or_die NAME HOST PORT VARIABLE: before a server of ours starts, fail if another
# process (another stack's server, a real mongod...) already owns its port; the readiness
# probe that follows the start would otherwise talk to that process.
port_free_or_die() {
    if port_open "$2" "$3"; then
        echo "$1: port $2:$3 is already in use by another process (set $4)" >&2
        exit 1
    fi
}
