"""The ``posts`` collection as a mongoengine document.

Indexes are declared here but created only by ``manage.py ensure_schema`` (never at import
or on first save), so a web worker never blocks on an index build.
"""

import uuid
from datetime import UTC, datetime, timedelta

from mongoengine import DateTimeField, Document, IntField, ListField, StringField, UUIDField
from pymongo.collection import Collection

from posts.db import ALIAS

CONTENT_MAX = 5000

# (author_id, created_at desc, _id desc) serves the author timeline and, through its
# (author_id, created_at) prefix, the home feed's ``author_id $in [...]`` merge by time.
TIMELINE_INDEX = "author_timeline"
REPLIES_INDEX = "replies_by_time"
SHARES_INDEX = "shares_by_original"
# Multikey index on a reply's ancestor path: a whole subtree is one indexed query (posts.threads).
THREAD_INDEX = "thread_ancestors"
ANCESTORS = "ancestor_ids"
# Open counter intents on a post (posts.intents): ``{"<c|d><post id hex>": {c, d, at}}``.
# Written and read only through the raw collection; never part of the API output.
PENDING = "_pending"
# Set on a new top-level post or share, in its insert, until the fan-out worker has delivered it
# to the followers' home timelines (posts.fanout); absent on every other post.
FANOUT_DUE = "fanout_due"
FANOUT_INDEX = "fanout_queue"


class Post(Document):
    """A post, a reply (``parent_post_id``) or a share (``original_post_id``)."""

    id = UUIDField(primary_key=True, binary=True, default=uuid.uuid4)
    author_id = UUIDField(binary=True, required=True)
    content = StringField(max_length=CONTENT_MAX)  # absent only on a share without text
    parent_post_id = UUIDField(binary=True)
    original_post_id = UUIDField(binary=True)
    # A reply's ancestors, root first (posts.threads); not stored on top-level posts and shares.
    ancestor_ids = ListField(UUIDField(binary=True), default=None)
    replies_count = IntField(default=0)
    shares_count = IntField(default=0)
    created_at = DateTimeField(required=True)
    edited_at = DateTimeField()
    fanout_due = DateTimeField(db_field=FANOUT_DUE)  # pending fan-out (posts.fanout)
    # Parsed from the content at write and edit time (posts.mentions, posts.tags); stored only
    # when not empty, not indexed (the timelines read posts.list_entries). ``likes_count`` is
    # moved by posts.likes only.
    mentions = ListField(UUIDField(binary=True), default=None)
    tags = ListField(StringField(), default=None)
    likes_count = IntField(default=0)

    meta = {
        "collection": "posts",
        "db_alias": ALIAS,
        "auto_create_index": False,
        "auto_create_index_on_save": False,
        "strict": False,  # tolerate ``_pending`` (posts.intents) when a document is loaded
        "indexes": [
            {"fields": ["author_id", "-created_at", "-id"], "name": TIMELINE_INDEX},
            {"fields": ["parent_post_id", "created_at", "id"], "name": REPLIES_INDEX},
            {"fields": ["original_post_id"], "name": SHARES_INDEX},
            {"fields": [ANCESTORS], "name": THREAD_INDEX},
            {"fields": [FANOUT_DUE], "name": FANOUT_INDEX},
        ],
    }


def posts_collection() -> Collection:
    """The raw pymongo collection (same codec options: standard UUIDs, tz-aware dates)."""
    return Post._get_collection()


# Margin between the clocks of two pods (one that noted a change, one whose read it may
# follow): comparisons of their times allow for it.
CLOCK_SKEW = timedelta(seconds=60)


def now_ms() -> datetime:
    """Now in UTC, truncated to milliseconds: BSON dates hold ms, so what we return after an
    insert is exactly what a later read (and a cursor built from it) sees."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond - now.microsecond % 1000)
