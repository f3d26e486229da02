"""The fan-out worker: delivers new posts to their readers' home timelines, builds and trims
timelines, drops idle ones (posts.fanout, docs/feed.md). Run as many as needed: work is
claimed with leases, so two workers never hold the same post, and a killed one's work is
taken over once its lease ends.
"""

import logging
import signal
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from hornet import telemetry
from posts import db, fanout
from posts.documents import now_ms
from posts.notifications import store as notifications

log = logging.getLogger("posts.fanout")
EXPIRE_EVERY = 60.0  # seconds between sweeps for idle readers' timelines


class Command(BaseCommand):
    help = "Run the home-timeline fan-out worker until stopped (SIGTERM/SIGINT)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Do all work due now, then exit (tests, cron)."
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=0,
            help="Workers in this process (default FEED_FANOUT_THREADS).",
        )
        parser.add_argument(
            "--heartbeat",
            default="",
            help="A file touched on every turn of the loop (a liveness probe reads its age).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        telemetry.setup("hornet-fanout")  # traces, when OTEL_EXPORTER_OTLP_ENDPOINT is set
        # The MongoDB client again: pymongo gives its command spans' listener only to clients
        # made after setup (Django built one when the app loaded, before this command ran).
        db.connect()
        stopping = threading.Event()

        def stop(signum: int, frame: Any) -> None:
            stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        heartbeat = Path(options["heartbeat"]) if options["heartbeat"] else None
        threads = options["threads"] or settings.FEED_FANOUT_THREADS
        # Each thread is a worker of its own (its own name, so its own leases); they share the
        # process's database and HTTP clients, which are thread-safe.
        workers = [fanout.Worker.start(f"{fanout.worker_name()}#{i}") for i in range(threads)]
        self.stdout.write(f"fanout: {threads} workers started ({fanout.worker_name()})")
        loops = [
            threading.Thread(
                target=self.loop,
                args=(w, stopping, options["once"], heartbeat if i == 0 else None, i == 0),
                name=w.name,
                daemon=True,
            )
            for i, w in enumerate(workers)
        ]
        for loop in loops:
            loop.start()
        while any(loop.is_alive() for loop in loops):
            for loop in loops:
                loop.join(timeout=0.5)
        self.stdout.write("fanout: stopped")

    def loop(
        self,
        worker: fanout.Worker,
        stopping: threading.Event,
        once: bool,
        heartbeat: Path | None,
        sweeps: bool,
    ) -> None:
        """One worker's turns until stopped (or, with ``once``, until nothing is due)."""
        next_expiry = 0.0
        while not stopping.is_set():
            if heartbeat is not None:
                heartbeat.touch()
            try:
                if sweeps and time.monotonic() >= next_expiry:
                    with telemetry.span("fanout expire", kind=fanout.CONSUMER):
                        fanout.expire(now_ms())
                        notifications.purge(now_ms())  # older than 90 days (posts.notifications)
                    next_expiry = time.monotonic() + EXPIRE_EVERY
                worked = worker.step()
            except Exception as exc:  # a database down, a bad document: go on
                # The work in hand keeps its lease and is taken up again when it ends.
                log.exception("fanout: %s", type(exc).__name__)
                worked = False
                stopping.wait(1.0)
            if not worked:
                if once:
                    return
                stopping.wait(settings.FEED_FANOUT_POLL_SECONDS)
