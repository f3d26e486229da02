"""The fan-out worker: delivers new posts to their readers' home timelines, builds and trims
timelines, drops idle ones (posts.fanout, docs/feed.md). Run as many as needed: work is
claimed with leases, so two workers never hold the same post, and a killed one's work is
taken over once its lease ends.
"""

import logging
import signal
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from posts import fanout
from posts.documents import now_ms

log = logging.getLogger("posts.fanout")
EXPIRE_EVERY = 60.0  # seconds between sweeps for idle readers' timelines


class Command(BaseCommand):
    help = "Run the home-timeline fan-out worker until stopped (SIGTERM/SIGINT)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Do all work due now, then exit (tests, cron)."
        )
        parser.add_argument(
            "--heartbeat",
            default="",
            help="A file touched on every turn of the loop (a liveness probe reads its age).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        worker = fanout.Worker.start()
        self.stdout.write(f"fanout: worker {worker.name} started")
        next_expiry = 0.0
        heartbeat = Path(options["heartbeat"]) if options["heartbeat"] else None
        while not stopping:
            if heartbeat is not None:
                heartbeat.touch()
            try:
                if time.monotonic() >= next_expiry:
                    fanout.expire(now_ms())
                    next_expiry = time.monotonic() + EXPIRE_EVERY
                worked = worker.step()
            except Exception as exc:  # a database down, a bad document: go on
                # The work in hand keeps its lease and is taken up again when it ends.
                log.exception("fanout: %s", type(exc).__name__)
                worked = False
                time.sleep(1.0)
            if not worked:
                if options["once"]:
                    break
                time.sleep(settings.FEED_FANOUT_POLL_SECONDS)
        self.stdout.write(f"fanout: worker {worker.name} stopped")
