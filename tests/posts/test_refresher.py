"""posts.refresher: background refreshes are queued once per key and bounded in number."""

import threading

from posts.refresher import Refresher


def test_a_key_waiting_or_running_is_not_queued_again_and_the_queue_is_bounded():
    refresher = Refresher(max_waiting=2)
    release, ran = threading.Event(), []

    def task(name: str):
        def run() -> None:
            release.wait(5)
            ran.append(name)

        return run

    assert refresher.submit("alice", task("alice 1"))
    assert not refresher.submit("alice", task("alice 2"))  # already queued or running
    assert refresher.submit("bob", task("bob"))
    assert not refresher.submit("carol", task("carol"))  # two waiting or running: full
    assert not refresher.drain(timeout=0.1)
    release.set()
    assert refresher.drain()
    assert ran == ["alice 1", "bob"]
    assert refresher.submit("alice", task("alice 3"))  # done, so it may run again
    assert refresher.drain()
    assert ran[-1] == "alice 3"


def test_a_failing_refresh_is_logged_and_the_next_one_runs(caplog):
    refresher = Refresher()
    ran: list[str] = []

    def fail() -> None:
        raise RuntimeError("boom")

    assert refresher.submit("alice", fail)
    assert refresher.submit("bob", lambda: ran.append("bob"))
    assert refresher.drain()
    assert ran == ["bob"]
    assert "background refresh of alice failed" in caplog.text
