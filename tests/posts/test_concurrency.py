"""Concurrent writers through the full stack (one APIClient per thread, the real server)."""

import uuid
from collections import Counter

from rest_framework.test import APIClient

from posts.documents import posts_collection
from tests.helpers import all_at_once, get, headers_for
from tests.posts.helpers import created, walk

N = 40


def test_concurrent_replies_are_all_counted(api, alice):
    post = created(api, alice)

    def reply(i):
        client = APIClient()
        body = {"content": f"reply {i}", "parent_post_id": post["id"]}
        return client.post("/posts", body, format="json", **headers_for(uuid.uuid4())).status_code

    assert all_at_once(reply, N) == [201] * N
    assert get(api, alice, f"/posts/{post['id']}").json()["replies_count"] == N
    assert len(walk(api, alice, f"/posts/{post['id']}/replies?limit=15")) == N


def test_concurrent_shares_are_all_counted(api, alice):
    post = created(api, alice)

    def share(i):
        client = APIClient()
        body = {"original_post_id": post["id"]}
        return client.post("/posts", body, format="json", **headers_for(uuid.uuid4())).status_code

    assert all_at_once(share, N) == [201] * N
    assert get(api, alice, f"/posts/{post['id']}").json()["shares_count"] == N


def test_replies_racing_a_delete_leave_no_orphans(api, alice):
    root = created(api, alice, content="root")
    target = created(api, alice, content="target", parent_post_id=root["id"])

    def act(i):
        client = APIClient()
        if i == N // 2:
            return client.delete(f"/posts/{target['id']}", **headers_for(alice)).status_code
        body = {"content": f"racing {i}", "parent_post_id": target["id"]}
        return client.post("/posts", body, format="json", **headers_for(uuid.uuid4())).status_code

    statuses = Counter(all_at_once(act, N))
    assert set(statuses) <= {201, 204, 404}
    assert statuses[204] == 1
    orphans = posts_collection().count_documents({"parent_post_id": uuid.UUID(target["id"])})
    assert orphans == 0
    assert get(api, alice, f"/posts/{root['id']}").json()["replies_count"] == 0
    assert posts_collection().count_documents({}) == 1


def test_concurrent_deletes_count_once(api, alice):
    root = created(api, alice)
    reply = created(api, alice, content="re", parent_post_id=root["id"])
    created(api, alice, content="other", parent_post_id=root["id"])

    def remove(i):
        return APIClient().delete(f"/posts/{reply['id']}", **headers_for(alice)).status_code

    assert sorted(all_at_once(remove, 8)) == [204] + [404] * 7
    assert get(api, alice, f"/posts/{root['id']}").json()["replies_count"] == 1
