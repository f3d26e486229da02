"""Issue 16: the fan-out worker never leaves a post in the timeline of someone the author
blocked or who blocked the author, even when the block lands between the worker's followers
call and its delivery (the window ``posts.timelines.take_back_blocked`` closes)."""

import uuid
from collections.abc import Callable

from posts import fanout
from posts.clients import FollowersClient, IdsPage
from posts.documents import posts_collection
from tests.feed.helpers import Stack, follow, post
from tests.feed.test_blocks import relate
from tests.feed.test_fanout import activate, catch_up, stored_posts, worker


class BlockAfterFetch:
    """The worker's real client, except that right after it has fetched a page of followers,
    ``block()`` runs (the block and its timeline purge) before the page is delivered."""

    def __init__(self, inner: FollowersClient, block: Callable[[], None]) -> None:
        self.inner, self.block = inner, block

    def follower_ids_page(self, *args: object) -> IdsPage:
        page = self.inner.follower_ids_page(*args)  # type: ignore[arg-type]
        self.block()
        return page


def _signal(stack: Stack, blocker: uuid.UUID, blocked: uuid.UUID) -> None:
    """What the followers service sends after a block (contract 16 §2a)."""
    with stack.as_user(blocker) as client:
        response = client.post(
            f"{stack.posts.url}/posts/internal/relationship-changed",
            json={"user_id": str(blocked), "change": "block"},
        )
    assert response.status_code == 204, response.text


def _fan_out_with(stack: Stack, author: uuid.UUID, block: Callable[[], None]) -> str:
    """A post by ``author``, fanned out by a worker whose page is fetched before ``block``."""
    created = post(stack, author, "in flight")
    w = worker(stack, "racing")
    claimed = fanout.claim_post(w.name)
    assert claimed is not None
    assert claimed["_id"] == uuid.UUID(created["id"])
    racing = BlockAfterFetch(w.client, block)
    assert fanout.fan_out(claimed, w.name, racing)  # type: ignore[arg-type]
    return str(created["id"])


def test_a_post_delivered_after_the_block_signal_is_taken_back(stack):
    author, blocker, bystander = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    follow(stack, blocker, author)
    follow(stack, bystander, author)
    w = worker(stack)
    activate(stack, w, author, blocker, bystander)
    post_id = _fan_out_with(stack, author, lambda: _signal(stack, blocker, author))
    assert post_id not in map(str, stored_posts(blocker))
    assert post_id in map(str, stored_posts(bystander))  # everybody else got it
    assert post_id in map(str, stored_posts(author))
    assert posts_collection().find_one({"_id": uuid.UUID(post_id)}).get("fanout_due") is None
    catch_up(w)


def test_a_block_through_the_followers_service_during_a_fan_out_leaves_no_entry(stack):
    author, blocked = uuid.uuid4(), uuid.uuid4()
    follow(stack, blocked, author)
    w = worker(stack)
    activate(stack, w, author, blocked)
    post_id = _fan_out_with(stack, author, lambda: relate(stack, author, "blocks", blocked))
    assert post_id not in map(str, stored_posts(blocked))
    with stack.as_user(blocked) as client:
        page = client.get(f"{stack.posts.url}/feed").json()
    assert post_id not in [p["id"] for p in page]
