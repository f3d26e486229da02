#!/usr/bin/env bash
# `make test`: bring up the test database servers, run the suite per service, stop them.
# Each service's tests run under its own settings module (one Django settings per process,
# as in production); cross-service tests start real gunicorn processes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export STACK=test
keep="${KEEP_SERVERS:-0}"

scripts/stack.sh servers-up
if [[ $keep != 1 ]]; then trap 'scripts/stack.sh servers-down' EXIT; fi
scripts/stack.sh schema
eval "$(scripts/stack.sh env | sed 's/^/export /')"

PYTEST=(.venv/bin/python -m pytest -p no:cacheprovider "$@")
rc=0
"${PYTEST[@]}" --ds=settings.test_posts tests/hornet tests/identity tests/servers tests/posts tests/feed tests/bench tests/reliability/posts || rc=$?
"${PYTEST[@]}" --ds=settings.test_followers tests/followers tests/reliability/followers || rc=$?
exit $rc
