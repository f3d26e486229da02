"""Write rate limit per identity on the followers service (429, Retry-After, JSON body)."""

import uuid

import pytest
from rest_framework.throttling import ScopedRateThrottle

from tests.followers.helpers import follow
from tests.helpers import get


@pytest.fixture(autouse=True)
def low_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    # DRF reads the rates once, at import; patch the class the viewsets use.
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"writes": "3/min"})


def test_writes_over_the_rate_are_429_per_identity(api, alice, bob):
    assert [follow(api, alice, uuid.uuid4()).status_code for _ in range(3)] == [201] * 3
    refused = follow(api, alice, uuid.uuid4())
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert int(refused["Retry-After"]) >= 1
    assert (
        api.delete(f"/followers/following/{uuid.uuid4()}", HTTP_X_USER_ID=str(alice)).status_code
        == 429
    )
    assert follow(api, bob, uuid.uuid4()).status_code == 201  # another identity: its own budget
    assert get(api, alice, f"/followers/user/{alice}/following").status_code == 200  # reads: free


def test_an_unreachable_throttle_cache_does_not_fail_writes(api, alice, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    class Down:
        def get(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise ConnectionError("cache server gone")

        set = get

    monkeypatch.setattr(SimpleRateThrottle, "cache", Down())
    assert [follow(api, alice, uuid.uuid4()).status_code for _ in range(5)] == [201] * 5
