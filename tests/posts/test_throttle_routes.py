"""Issue 13 item 7: every write of the posts service is throttled, the internal one included."""

import uuid

import pytest
from rest_framework.throttling import ScopedRateThrottle

from tests.helpers import headers_for, unthrottled_write_views


def test_every_write_route_has_the_write_throttle():
    assert unthrottled_write_views() == []


def test_following_changed_is_throttled_like_every_write(api, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"writes": "2/min"})
    me = uuid.uuid4()
    codes = [
        api.post("/posts/internal/following-changed", **headers_for(me)).status_code
        for _ in range(3)
    ]
    assert codes == [204, 204, 429]
    assert (
        api.post("/posts/internal/following-changed", **headers_for(uuid.uuid4())).status_code
        == 204
    )
