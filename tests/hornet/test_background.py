"""hornet.background: tasks run when due, once per key at a time, and bounded in number."""

import threading
import time

from hornet.background import Background


def test_a_key_waiting_or_running_is_not_queued_again_and_the_queue_is_bounded():
    background = Background(max_waiting=2)
    release, ran = threading.Event(), []

    def task(name: str):
        def run() -> None:
            release.wait(5)
            ran.append(name)

        return run

    assert background.submit("alice", task("alice 1"))
    assert not background.submit("alice", task("alice 2"))  # already waiting or running
    assert background.submit("bob", task("bob"))
    assert not background.submit("carol", task("carol"))  # two waiting or running: full
    assert not background.drain(timeout=0.1)
    release.set()
    assert background.drain()
    assert ran == ["alice 1", "bob"]
    assert background.submit("alice", task("alice 3"))  # done, so it may run again
    assert background.drain()
    assert ran[-1] == "alice 3"


def test_a_task_runs_when_it_is_due_and_an_earlier_one_first():
    background = Background()
    ran: list[tuple[str, float]] = []
    start = time.monotonic()
    assert background.submit("later", lambda: ran.append(("later", time.monotonic())), delay=0.3)
    assert background.submit("now", lambda: ran.append(("now", time.monotonic())))
    assert background.drain()
    assert [name for name, _ in ran] == ["now", "later"]
    assert ran[1][1] - start >= 0.3


def test_a_failing_task_is_logged_and_the_next_one_runs(caplog):
    background = Background()
    ran: list[str] = []

    def fail() -> None:
        raise RuntimeError("boom")

    assert background.submit("alice", fail)
    assert background.submit("bob", lambda: ran.append("bob"))
    assert background.drain()
    assert ran == ["bob"]
    assert "background task alice failed" in caplog.text


def test_paced_tasks_run_at_most_so_many_a_second():
    background = Background(per_second=20)
    ran: list[float] = []
    start = time.monotonic()
    for i in range(5):
        assert background.submit(str(i), lambda: ran.append(time.monotonic()))
    assert background.drain()
    assert len(ran) == 5
    assert ran[-1] - start >= 4 / 20  # four gaps of 50 ms between the five
