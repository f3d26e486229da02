#!/usr/bin/env bash
# `make test`: bring up the test database servers, run the suite per service, stop them.
# Each service's tests run under its own settings module (one Django settings per process,
# as in production); cross-service tests start real gunicorn processes.
#
# HORNET_MONGO_SERVER=ferretdb runs on FerretDB instead of SecantusDB (the default);
# HORNET_TEST_SUITES=posts runs only the suites that talk to the MongoDB-wire server (posts,
# feed, servers, posts reliability): `make test-ferretdb` does both, and CI runs it after
# `make test`, so the code keeps to what both servers (and MongoDB) do.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export STACK=test
keep="${KEEP_SERVERS:-0}"
suites="${HORNET_TEST_SUITES:-all}"
case "$suites" in
  all|posts) ;;
  *) echo "HORNET_TEST_SUITES must be all or posts" >&2; exit 2 ;;
esac

scripts/stack.sh servers-up
if [[ $keep != 1 ]]; then trap 'scripts/stack.sh servers-down' EXIT; fi
scripts/stack.sh schema
eval "$(scripts/stack.sh env | sed 's/^/export /')"
echo "test: MongoDB-wire server: $HORNET_MONGO_SERVER"

PYTEST=(.venv/bin/python -m pytest -p no:cacheprovider "$@")
rc=0
if [[ $suites == posts ]]; then
  "${PYTEST[@]}" --ds=settings.test_posts tests/servers tests/posts tests/feed tests/reliability/posts || rc=$?
  exit $rc
fi
"${PYTEST[@]}" --ds=settings.test_posts tests/hornet tests/identity tests/servers tests/posts tests/feed tests/observability tests/bench tests/reliability/posts || rc=$?
"${PYTEST[@]}" --ds=settings.test_followers tests/followers tests/reliability/followers || rc=$?
exit $rc
