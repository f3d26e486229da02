"""hornet.gunicorn_conf.post_worker_init: what a worker has loaded is frozen out of the garbage
collector's passes, and the worker's client for the other service is built before its first
request (hornet.calls.per_worker)."""

import gc
import threading

from hornet import calls, gunicorn_conf
from posts.clients import followers_client


def test_a_worker_freezes_what_it_loaded():
    gc.unfreeze()
    try:
        gunicorn_conf.post_worker_init(worker=None)
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # the code, settings and views: ~110,000 objects
        assert len(gc.get_objects()) < frozen / 10  # what a full pass still walks
    finally:
        gc.unfreeze()


def test_a_worker_builds_its_client_for_the_other_service_at_start():
    followers_client().close()
    followers_client.cache_clear()
    gc.unfreeze()
    try:
        gunicorn_conf.post_worker_init(worker=None)
        assert followers_client.cache_info().currsize == 1
        built = followers_client()
        assert followers_client.cache_info().misses == 1  # the request found it built
        assert followers_client() is built
    finally:
        gc.unfreeze()


def test_threads_of_a_started_worker_share_one_client():
    """Unbuilt, each thread whose request met it built its own (py-spy: eight CA-bundle loads in
    a worker's first requests)."""
    made: list[object] = []

    def factory() -> object:
        made.append(object())
        return made[-1]

    factory.__module__ = "posts.clients"  # a client of the service these tests run as
    client = calls.per_worker(factory)

    try:
        calls.build_clients()
        seen: list[object] = []
        threads = [threading.Thread(target=lambda: seen.append(client())) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        calls._FACTORIES.remove(client)
    assert len(made) == 1
    assert all(s is made[0] for s in seen)
