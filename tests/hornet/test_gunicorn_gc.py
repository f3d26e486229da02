"""hornet.gunicorn_conf.post_worker_init: what a worker has loaded is frozen out of the garbage
collector's passes."""

import gc

from hornet import gunicorn_conf


def test_a_worker_freezes_what_it_loaded():
    gc.unfreeze()
    try:
        gunicorn_conf.post_worker_init(worker=None)
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # the code, settings and views: ~110,000 objects
        assert len(gc.get_objects()) < frozen / 10  # what a full pass still walks
    finally:
        gc.unfreeze()
