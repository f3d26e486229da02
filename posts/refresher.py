"""Refreshes done after the answer, not before it: the stale-while-revalidate half of
``posts.following_cache`` (a caller's exclusions past their fresh time are used once more while
one followers call fetches them anew in the background).

One daemon thread per process, started on first use in that process (a gunicorn worker forks
after import, so a thread of the master would not exist in it), fed by a bounded queue. A key
already waiting or running is not queued again, so a caller who reads ten times in a second
costs one call; when the queue is full the refresh is skipped, and the next read past the
fresh time asks again. A failure is logged and forgotten the same way. The thread is a daemon:
a worker that stops does not wait for a refresh, whose only effect is a cache write.
"""

import logging
import os
import queue
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

MAX_WAITING = 256  # refreshes queued in one process at the most


class Refresher:
    def __init__(self, max_waiting: int = MAX_WAITING):
        self._max_waiting = max_waiting
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._queue: queue.Queue[tuple[str, Callable[[], None]]] = queue.Queue()
        self._keys: set[str] = set()  # queued or running
        self._idle = threading.Condition(self._lock)

    def submit(self, key: str, task: Callable[[], None]) -> bool:
        """Run ``task`` in the background unless ``key`` is already queued or running, or the
        queue is full; True if it was queued."""
        with self._lock:
            self._started_here()
            if key in self._keys or len(self._keys) >= self._max_waiting:
                return False
            self._keys.add(key)
        self._queue.put((key, task))
        return True

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is queued or running (tests, before they empty the database);
        False if that took longer than ``timeout`` seconds."""
        with self._lock:
            return self._idle.wait_for(lambda: not self._keys, timeout=timeout)

    def _started_here(self) -> None:
        if self._pid == os.getpid():
            return
        self._pid, self._keys, self._queue = os.getpid(), set(), queue.Queue()
        self._idle = threading.Condition(self._lock)
        threading.Thread(
            target=self._run, args=(self._queue,), name="refresher", daemon=True
        ).start()

    def _run(self, tasks: "queue.Queue[tuple[str, Callable[[], None]]]") -> None:
        while True:
            key, task = tasks.get()
            try:
                task()
            except Exception:  # a refresh is best effort: the next stale read asks again
                log.exception("background refresh of %s failed", key)
            finally:
                with self._lock:
                    self._keys.discard(key)
                    if not self._keys:
                        self._idle.notify_all()


refresher = Refresher()
