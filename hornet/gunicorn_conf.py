"""gunicorn settings for both services, from the environment (containers and `make run`).

The app is not preloaded: each worker imports Django after the fork, so database clients
are created per worker (see posts.db / followers.db).
"""

import importlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hornet import gunicorn_errors

# The errors gunicorn answers itself (414, 431, 400...) in the JSON error format.
gunicorn_errors.install()

bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# gthread whose event loop receives each request whole (headers and body, under a deadline)
# before a thread serves it, so slow clients cost memory, not threads (hornet.gunicorn_worker).
worker_class = "hornet.gunicorn_worker.BufferedThreadWorker"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "1000"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
preload_app = False
# gunicorn 27's control socket lives under $HOME, which the image's user does not have.
control_socket_disable = True
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# gunicorn's own lines in the service's format (hornet.logs: JSON, or console in dev/test): the
# settings module's LOGGING, read without setting Django up. Each request is logged once by the
# app (hornet.logs.RequestLogMiddleware), so gunicorn's access log stays off unless asked for.
_logging = importlib.import_module(
    os.environ.get("DJANGO_SETTINGS_MODULE", "settings.posts")
).LOGGING
# With a logconfig_dict gunicorn writes access lines whatever accesslog says: only if asked.
_access: dict[str, Any] = {
    "level": "INFO" if accesslog else "CRITICAL",
    "handlers": [],
    "propagate": True,
}
logconfig_dict = {**_logging, "loggers": {**_logging["loggers"], "gunicorn.access": _access}}

# Prometheus multiprocess mode (hornet/metrics.py): every worker writes its series to files in
# this folder, so it must be in the environment before a worker imports prometheus_client, i.e.
# set by the launcher or here, in the master, before any fork. Kubernetes mounts an emptyDir
# there (the root filesystem is read-only); scripts/launch.py gives each port its own folder;
# otherwise a fresh folder under the temporary directory is made.
metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="hornet-")
os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir


def on_starting(server: Any) -> None:
    """Empty the metrics folder once per gunicorn start: files of an earlier run's workers
    would be merged into this run's series (a counter would not start from zero)."""
    folder = Path(metrics_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for entry in folder.iterdir():
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def child_exit(server: Any, worker: Any) -> None:
    """A worker is gone: its live gauges (the circuit breaker's state) stop counting."""
    from prometheus_client import multiprocess  # here: never imported before the folder is set

    multiprocess.mark_process_dead(worker.pid)


def post_fork(server: Any, worker: Any) -> None:
    """OpenTelemetry in the worker, after the fork (its exporter thread must be the worker's)."""
    from hornet import telemetry

    telemetry.setup()


def post_worker_init(worker: Any) -> None:
    """The worker has loaded the app: import every view now (Django resolves its URLconf on
    the first request) and freeze what is loaded (``gc.freeze``), so the garbage collector's
    full passes no longer walk the ~110,000 objects of the code and settings, which never
    become garbage: a full pass over them takes ~30 ms, and stops every thread of the worker
    for that long (each request's tail). New objects are collected as before. The clients for
    the other service are built here too (hornet.calls.build_clients), not by the first
    requests."""
    import gc

    from django.urls import get_resolver

    from hornet import calls

    get_resolver().url_patterns  # noqa: B018 (imports the views)
    calls.build_clients()
    gc.freeze()
