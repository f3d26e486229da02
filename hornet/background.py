"""Work done after the answer, not before it, in both services: the posts service's
stale-while-revalidate of a caller's exclusions (posts.following_cache) and the followers
service's retries of a signal the posts service did not take (followers.clients).

One daemon thread per process, started on first use in that process (a gunicorn worker forks
after import, so a thread of the master would not exist in it), running each task when it is
due (``delay``). A key already waiting or running is not queued again, so a caller who reads
ten times in a second costs one refresh; when ``max_waiting`` tasks wait, a new one is refused
(its caller decides what that means: the next stale read asks again; a signal is given up).
A task that raises is logged and forgotten. ``per_second`` paces the tasks (at most that many
a second; None: as fast as they come), so a burst of them (a thousand callers back at once)
spreads out instead of taking the CPU the answers need. The thread is a daemon: a worker that
stops does not wait for what is queued, which is best effort by its nature.
"""

import heapq
import itertools
import logging
import os
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

MAX_WAITING = 256  # tasks queued in one process at the most

Task = Callable[[], None]


class Background:
    def __init__(self, max_waiting: int = MAX_WAITING, per_second: float | None = None):
        self._max_waiting = max_waiting
        self._gap = 1.0 / per_second if per_second else 0.0
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._pid: int | None = None
        self._due: list[tuple[float, int, str, Task]] = []  # a heap: (when, order, key, task)
        self._keys: set[str] = set()  # waiting or running
        self._order = itertools.count()

    def submit(self, key: str, task: Task, delay: float = 0.0) -> bool:
        """Run ``task`` in ``delay`` seconds unless ``key`` is already waiting or running, or
        the queue is full; True if it was queued."""
        with self._lock:
            self._started_here()
            if key in self._keys or len(self._keys) >= self._max_waiting:
                return False
            self._keys.add(key)
            heapq.heappush(self._due, (time.monotonic() + delay, next(self._order), key, task))
            self._changed.notify_all()
        return True

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is waiting or running (tests, before they empty the database);
        False if that took longer than ``timeout`` seconds."""
        with self._lock:
            return self._changed.wait_for(lambda: not self._keys, timeout=timeout)

    def clear(self) -> None:
        """Drop what waits to run (tests: nothing of the last test may run in the next)."""
        with self._lock:
            self._keys.difference_update(key for _, _, key, _ in self._due)
            self._due.clear()
            self._changed.notify_all()

    def _started_here(self) -> None:
        if self._pid == os.getpid():
            return
        self._pid, self._due, self._keys = os.getpid(), [], set()
        threading.Thread(target=self._run, name="hornet-background", daemon=True).start()

    def _next(self) -> tuple[str, Task]:
        with self._lock:
            while True:
                wait = self._due[0][0] - time.monotonic() if self._due else None
                if wait is not None and wait <= 0:
                    _, _, key, task = heapq.heappop(self._due)
                    return key, task
                self._changed.wait(wait)

    def _run(self) -> None:
        while True:
            key, task = self._next()
            try:
                task()
            except Exception:  # best effort: what the task was for is retried or given up
                log.exception("background task %s failed", key)
            finally:
                with self._lock:
                    self._keys.discard(key)
                    self._changed.notify_all()
            if self._gap:
                time.sleep(self._gap)  # deliberate: the pace asked for


background = Background()
