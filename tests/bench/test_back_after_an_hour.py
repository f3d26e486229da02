"""bench.fanout.back_after_an_hour: every run says how many of its readers come back after an
hour (their first reads touch, trim and refresh: the mix is not in its steady state then)."""

import datetime as dt
import uuid

from bench import fanout, report
from posts import timelines
from posts.clients import Exclusions
from posts.following_cache import exclusions_cache_put


def test_readers_and_exclusions_older_than_an_hour_are_counted(clean_posts):
    now = dt.datetime.now(dt.UTC)
    back, recent, unknown = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for user, read in ((back, now - dt.timedelta(hours=2)), (recent, now)):
        timelines.owners().insert_one({"_id": user, "state": timelines.READY, "read_at": read})
    exclusions_cache_put(back, Exclusions(), now - dt.timedelta(minutes=61))
    exclusions_cache_put(recent, Exclusions(), now - dt.timedelta(minutes=59))

    found = fanout.back_after_an_hour([str(back), str(recent), str(unknown), str(back)])

    assert found == {"readers": 3, "read_over_an_hour_ago": 1, "exclusions_over_an_hour_old": 1}
    results = {"operations": {}, "baseline": {}, "env": {"fanout": {"back_after_an_hour": found}}}
    assert "readers back after an hour or more: 1 of 3" in report.table(results)
