"""More concurrency than tests/posts/test_concurrency.py covers (40 replies, a two-level
race): 100 replies at once, a deep thread deleted while replies land at every level, and
deletes racing replies to the same post. Each ends with check_consistency clean."""

import uuid
from collections import Counter

from rest_framework.test import APIClient

from posts.consistency import check_consistency
from posts.documents import posts_collection
from tests.helpers import all_at_once, get, headers_for
from tests.posts.helpers import created, walk


def reply(parent_id: str, i: int) -> int:
    body = {"content": f"reply {i}", "parent_post_id": parent_id}
    response = APIClient().post("/posts", body, format="json", **headers_for(uuid.uuid4()))
    return int(response.status_code)


def test_one_hundred_concurrent_replies_are_all_counted(api, alice):
    post = created(api, alice)
    assert all_at_once(lambda i: reply(post["id"], i), 100) == [201] * 100
    assert get(api, alice, f"/posts/{post['id']}").json()["replies_count"] == 100
    assert len(walk(api, alice, f"/posts/{post['id']}/replies?limit=100")) == 100
    assert check_consistency().clean


def test_deleting_a_deep_thread_while_replies_arrive_leaves_nothing_behind(api, alice):
    root = created(api, alice, content="root")
    chain = [root]
    for depth in range(4):
        chain.append(created(api, alice, content=f"level {depth}", parent_post_id=chain[-1]["id"]))
    top = chain[1]  # delete from the first reply down; the root stays

    def act(i: int) -> int:
        if i == 30:
            return int(APIClient().delete(f"/posts/{top['id']}", **headers_for(alice)).status_code)
        return reply(chain[1 + i % 4]["id"], i)  # replies at every level under ``top``

    statuses = Counter(all_at_once(act, 60))
    assert set(statuses) <= {201, 204, 404}
    assert statuses[204] == 1
    assert [r["_id"] for r in posts_collection().find({})] == [uuid.UUID(root["id"])]
    assert get(api, alice, f"/posts/{root['id']}").json()["replies_count"] == 0
    assert check_consistency().clean


def test_replies_and_deletes_of_one_reply_race_cleanly(api, alice):
    root = created(api, alice, content="root")
    target = created(api, alice, content="target", parent_post_id=root["id"])

    def act(i: int) -> int:
        if i % 10 == 0:
            return int(
                APIClient().delete(f"/posts/{target['id']}", **headers_for(alice)).status_code
            )
        return reply(root["id"], i)

    statuses = Counter(all_at_once(act, 50))
    assert statuses[204] == 1
    assert statuses[404] == 4
    assert statuses[201] == 45
    assert get(api, alice, f"/posts/{root['id']}").json()["replies_count"] == 45
    assert check_consistency().clean
