"""posts.follower_lists: an author's follower ids kept for their next fan-out, forgotten by
every change, and never stored over a change that came after they were asked."""

import datetime as dt
import uuid

import pytest

from posts import follower_lists
from posts.documents import CLOCK_SKEW, now_ms


def test_a_kept_list_is_fresh_for_its_time_only(settings):
    author, fans = uuid.uuid4(), [uuid.uuid4(), uuid.uuid4()]
    asked = now_ms()
    follower_lists.put(author, fans, 2, asked)
    kept = follower_lists.fresh(author, asked + dt.timedelta(seconds=299))
    assert kept == follower_lists.FollowerList(fans, 2, asked)
    assert follower_lists.fresh(author, asked + dt.timedelta(seconds=300)) is None
    settings.FEED_FANOUT_FOLLOWERS_CACHE_SECONDS = 0
    assert follower_lists.fresh(author, asked) is None


@pytest.mark.parametrize(
    ("forgotten", "kept"),
    [
        (dt.timedelta(seconds=1), False),  # a follow after the list was asked
        (-CLOCK_SKEW + dt.timedelta(seconds=1), False),  # just before, by a clock ahead
        (-CLOCK_SKEW - dt.timedelta(seconds=1), True),  # well before: the list has it
    ],
)
def test_a_list_asked_before_a_change_is_not_stored_over_it(forgotten, kept):
    author, asked = uuid.uuid4(), now_ms()
    follower_lists.put(author, [uuid.uuid4()], 1, asked - dt.timedelta(minutes=5))
    follower_lists.forget(author, now=asked + forgotten)
    assert follower_lists.fresh(author, asked) is None  # forgotten
    follower_lists.put(author, [uuid.uuid4()], 1, asked)
    assert (follower_lists.fresh(author, asked) is not None) is kept
