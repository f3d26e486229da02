"""bench.warmup: the rows start once Neo4j's JIT has settled (read from the JVM itself) and
once what the posts rows read has been read once."""

import itertools
import os
from pathlib import Path
from types import SimpleNamespace

from bench import warmup
from tests.support.env import state_dir


def counter_of(values: list[float | None]):
    readings = iter(values)
    return lambda pid: next(readings)


def test_the_warm_up_ends_at_the_first_quiet_window():
    done: list[int] = []
    # 0.5 s of compiling in the first 0.05-s window, none in the second
    found = warmup.neo4j_jit(
        [lambda: done.append(1)], 1, window_s=0.05, counter=counter_of([0.0, 0.5, 0.5])
    )
    assert found["settled"] is True
    assert len(found["compile_ms_per_s"]) == 2
    assert found["compile_ms_per_s"][0] > 1000 > found["compile_ms_per_s"][1] == 0
    assert found["calls"] == len(done) > 0


def test_a_jit_that_never_settles_stops_the_warm_up_at_its_limit():
    busy = counter_of([float(i) for i in range(1000)])  # a second of compiling every window
    found = warmup.neo4j_jit([lambda: None], 1, window_s=0.05, max_s=0.2, counter=busy)
    assert found["settled"] is False
    assert 3 <= len(found["compile_ms_per_s"]) <= 5
    assert 0.2 <= found["seconds"] < 1


def test_without_a_compile_counter_it_warms_a_fixed_time(monkeypatch):
    monkeypatch.setattr(warmup, "FIXED_S", 0.1)
    found = warmup.neo4j_jit([lambda: None], 1, window_s=0.05, counter=lambda pid: None)
    assert found["settled"] is False
    assert found["compile_ms_per_s"] == []
    assert 0.1 <= found["seconds"] < 1


def test_the_compile_counter_is_read_from_a_running_neo4j():
    pid = int((Path(state_dir()) / "run" / "neo4j.pid").read_text())
    first = warmup.compile_seconds(pid)
    assert first is not None
    assert first > 0  # it compiled its start-up at least
    assert warmup.compile_seconds(os.getpid()) is None  # not a JVM: no counter


def test_the_posts_cache_is_filled_with_every_subject_the_posts_rows_read_once():
    seen: dict[str, list[str]] = {}

    class Driver:
        cast = SimpleNamespace(
            feed20=["r1", "r2"],
            feed500=["r2", "r3"],
            mix_readers=["r4", "r1"],
            authors=["a1", "a2", "a1"],
            posts=["p1", "p2", "p3"],
            tags=["t1"],
        )

        def subjects(self, kind: str, items: list[str]):
            cycle = itertools.cycle(items)
            return lambda: seen.setdefault(kind, []).append(next(cycle))

        def feed(self, readers):
            return self.subjects("feed", readers)

        def timeline(self, authors):
            return self.subjects("timeline", authors)

        def read_post(self):
            return self.subjects("post", self.cast.posts)

        def tag_timeline(self):
            return self.subjects("tag", self.cast.tags)

        def notifications(self):
            def call():
                seen.setdefault("notifications", []).append("x")
                raise RuntimeError("over its maxTimeMS")

            return call

    found = warmup.posts_cache(Driver())
    assert sorted(seen["feed"]) == ["r1", "r2", "r3", "r4"]  # each reader once
    assert sorted(seen["timeline"]) == ["a1", "a2"]
    assert sorted(seen["post"]) == ["p1", "p2", "p3"]
    assert seen["tag"] == ["t1"]
    assert len(seen["notifications"]) == 3
    assert found["calls"] == 13
    assert found["errors"] == 3  # counted, and the warm-up went on
