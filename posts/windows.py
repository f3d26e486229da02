"""Time-windowed reads: every list of posts asks the database for a bounded key range.

MongoDB stops an index scan once ``limit`` documents came out, so ``find(filter, sort,
limit)`` costs the page whatever the list holds. Not every server does: SecantusDB (the
default development and test server) reads the whole matching index range and applies the
limit after it, so a timeline page of an author with 37,000 posts would read all 37,000. Here
each query carries both ends of a time window, ``created_at`` in ``[lo, hi)``, and a page is
read as a few such slices walking away from the cursor:

- the first slice is sized from the list's statistics (``posts.authors``) to hold about one
  page: ``width = need / rate``, so a prolific author gets a narrow window and a quiet one a
  wide one;
- a slice that comes back short is followed by the next one, wider in proportion to what is
  still missing (x2 after an empty slice, at most x8), until the page is full or the window
  passes the list's first post (then the last slice is open-ended: nothing is older);
- a slice never starts above the list's latest post, so a quiet author costs no empty slices
  for the time since they last posted.

The work of a page is therefore the posts of the slices it reads, about one page for a steady
poster, whatever the list holds in all. What it cannot bound is a burst right behind a long
silence (the widening slice may take in more of the burst than the page needs): such a page
reads up to 8 times the density it had seen. On MongoDB the same queries also stop at the
limit, so there the page is bounded by construction. bench/README.md has the measured costs.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from posts.authors import AuthorStats
from posts.queries import TimeKey, after_filter

Row = dict[str, Any]
# find(the filters of the lists to read, a window on created_at (and the cursor), how many at
# most) -> their rows merged in list order, from one query
Finder = Callable[[list[dict[str, Any]], dict[str, Any], int], list[Row]]

MIN_WIDTH = dt.timedelta(seconds=1)
MAX_GROWTH = 8.0
EMPTY_GROWTH = 2.0
SAFETY = 1.25  # a first slice a little wider than one page's worth at the average rate


@dataclass(frozen=True)
class Bound:
    """The cursor side of the first slice: the filter that starts strictly after the last item
    shown (``(created_at, _id)`` ties included), and its time."""

    at: dt.datetime
    filter: dict[str, Any]


def first_width(need: int, rate: float) -> dt.timedelta:
    """A window expected to hold ``need`` rows at ``rate`` rows per second (a little more)."""
    seconds = need / max(rate, 1e-9) * SAFETY
    return max(MIN_WIDTH, dt.timedelta(seconds=min(seconds, 1e9)))


def _grown(width: dt.timedelta, got: int, missing: int) -> dt.timedelta:
    factor = EMPTY_GROWTH if got == 0 else min(MAX_GROWTH, max(1.0, missing / got * SAFETY))
    return width * factor


@dataclass(frozen=True)
class Stream:
    """One list to read in windows (one author's posts, one post's replies): its filter and
    where its rows lie, when known (statistics: hints, never the truth of what is shown)."""

    filter: dict[str, Any]
    first: dt.datetime | None = None  # no row is older
    last: dt.datetime | None = None  # no row is newer
    rate: float = 0.0  # rows per second, on average

    @classmethod
    def of(cls, filter: dict[str, Any], stats: AuthorStats) -> "Stream":
        return cls(filter, stats.first, stats.last, stats.rate())


def newest_first(
    find: Finder,
    streams: list[Stream],
    *,
    need: int,
    bound: Bound | None,
    time: str = "created_at",
) -> list[Row]:
    """Up to ``need`` rows of these lists together, newest first, older than ``bound`` (or from
    the newest). Every stream has ``first`` and ``last``: a list nobody posted to is not one.
    ``time`` names the time field of the documents read (``t`` in posts.list_entries)."""
    if not streams or need <= 0:
        return []
    newest = max(s.last for s in streams if s.last is not None)
    top = newest if bound is None else min(bound.at, newest)
    end = min(s.first for s in streams if s.first is not None)
    width = first_width(need, sum(s.rate for s in streams))
    return _walk(
        find, streams, need=need, edge=top, width=width, bound=bound, end=end, back=True, time=time
    )


def oldest_first(
    find: Finder,
    stream: Stream,
    *,
    need: int,
    width: dt.timedelta,
    bound: Bound | None,
    now: dt.datetime,
) -> list[Row]:
    """Up to ``need`` rows, oldest first, newer than ``bound`` (or from ``stream.first``)."""
    start = stream.first or now
    bottom = start if bound is None else max(bound.at, start)
    return _walk(
        find, [stream], need=need, edge=bottom, width=width, bound=bound, end=now, back=False
    )


def _walk(
    find: Finder,
    streams: list[Stream],
    *,
    need: int,
    edge: dt.datetime,
    width: dt.timedelta,
    bound: Bound | None,
    end: dt.datetime,
    back: bool,
    time: str = "created_at",
) -> list[Row]:
    """Slices from ``edge`` towards ``end`` (back in time, or forward), the first one from the
    cursor, until ``need`` rows came back or a slice reached ``end`` (that one is open-ended:
    nothing lies beyond the lists' end). Each slice is one query over the streams whose span
    meets it (the others cannot have rows there), for the rows still missing."""
    rows: list[Row] = []
    near: dict[str, Any] = {} if bound is None else bound.filter
    step = -1 if back else 1
    near_edge, far = edge, edge + step * width
    while True:
        final = far <= end if back else far > end
        window: dict[str, Any] = {} if final else {("$gte" if back else "$lt"): far}
        query = with_times(near, {time: window}, time=time)
        active = [s.filter for s in streams if _meets(s, near_edge, None if final else far, back)]
        found = find(active, query, need - len(rows)) if active else []
        rows.extend(found)
        if len(rows) >= need or final:
            return rows
        width = _grown(width, len(found), need - len(rows))
        near = {time: {("$lt" if back else "$gte"): far}}
        near_edge, far = far, far + step * width


def _meets(stream: Stream, near: dt.datetime, far: dt.datetime | None, back: bool) -> bool:
    """Whether the stream's known span can meet the slice between ``near`` and ``far``."""
    newest, oldest = (near, far) if back else (far, near)
    if stream.first is not None and newest is not None and stream.first > newest:
        return False
    return not (stream.last is not None and oldest is not None and stream.last < oldest)


def keeping(find: Finder, select: Callable[[list[Row]], list[Row]], *, back: bool = True) -> Finder:
    """A finder that leaves out the rows ``select`` drops (the feed's replies, shares of a
    hidden author's post), yet gives ``limit`` rows whenever the slice holds them: where the
    limit cut the slice, it reads on strictly after the last row it got, inside the same
    slice. ``select`` gets each batch whole (it may read once for the batch) and keeps order."""

    def find_kept(filters: list[dict[str, Any]], window: dict[str, Any], limit: int) -> list[Row]:
        kept: list[Row] = []
        query = window
        while True:
            raw = find(filters, query, limit)
            kept.extend(select(raw))
            if len(raw) < limit or len(kept) >= limit:
                return kept[:limit]
            far = {k: v for k, v in window.get("created_at", {}).items() if k in _FAR[back]}
            after = after_filter(TimeKey.of(raw[-1]), descending=back)
            query = with_times(after, {"created_at": far})

    return find_kept


# The window bounds on the far side of a slice (older when walking back, newer forward).
_FAR = {True: ("$gte", "$gt"), False: ("$lt", "$lte")}


def with_times(
    base: dict[str, Any], extra: dict[str, Any], *, time: str = "created_at"
) -> dict[str, Any]:
    """``base`` with ``extra``'s ``time`` bounds merged into its own (one range, no $and)."""
    merged = dict(base)
    times = {**base.get(time, {}), **extra.get(time, {})}
    if times:
        merged[time] = times
    return merged
