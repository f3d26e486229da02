"""Issue 13 item 7: every write of the followers service is throttled."""

from tests.helpers import unthrottled_write_views


def test_every_write_route_has_the_write_throttle():
    assert unthrottled_write_views() == []
