"""Issue 13 items 3 and 10 on the posts service: numbers in ASCII digits only (hornet.numbers),
content that shows nothing refused like empty content (hornet.text)."""

import uuid

import pytest

from posts.documents import posts_collection
from tests.helpers import NOT_ASCII_DIGITS, assert_refused, headers_for
from tests.posts.helpers import created

LIST_URLS = ["/posts/author/{user}", "/posts/{post}/replies", "/feed", "/posts/{post}/context"]
INVISIBLE = [
    "\u200b",
    "\u200b\u200c\u200d\u2060\ufeff",
    " \u200b\t\u3164 ",
    "\u2800\u2800",
    "\u202e\u2066\u2069",
    "\U000e0041\U000e0020",
    "\u034f\ufe0f",
    "\u00ad",
]


@pytest.mark.parametrize("limit", NOT_ASCII_DIGITS)
@pytest.mark.parametrize("url", LIST_URLS)
def test_unicode_digits_in_limit_are_400(api, alice, url, limit):
    post = created(api, alice, content="hello")
    path = url.format(user=alice, post=post["id"])
    assert_refused(api.get(path, {"limit": limit}, **headers_for(alice)), "limit")


@pytest.mark.parametrize(
    "raw",
    [
        "\u0661\u0661ce0000-0000-4000-8000-000000000001",  # Arabic-Indic digits: int() reads them
        "+11ce000-0000-4000-8000-000000000001",
        "a11ce000_0000_4000_8000_000000000001",
        "a11ce0000000400080000000000000 1",
    ],
)
def test_uuids_only_in_ascii_spellings(api, alice, raw):
    assert_refused(api.get(f"/posts/{raw}", **headers_for(alice)), "id")
    assert_refused(api.get(f"/posts/author/{raw}", **headers_for(alice)), "author_id")
    body = {"content": "x", "parent_post_id": raw}
    assert_refused(api.post("/posts", body, format="json", **headers_for(alice)), "parent_post_id")


@pytest.mark.parametrize("content", INVISIBLE)
def test_content_that_shows_nothing_is_assert_refused(api, alice, content):
    response = api.post("/posts", {"content": content}, format="json", **headers_for(alice))
    assert_refused(response, "content")
    post = created(api, alice, content="visible")
    response = api.patch(
        f"/posts/{post['id']}", {"content": content}, format="json", **headers_for(alice)
    )
    assert_refused(response, "content")
    assert [p["content"] for p in posts_collection().find({})] == ["visible"]


def test_invisible_characters_around_visible_text_are_kept(api, alice):
    post = created(api, alice, content="\u200bhi\u200b")
    assert post["content"] == "\u200bhi\u200b"


def test_a_share_with_invisible_content_is_a_share_without_content(api, alice, bob):
    original = created(api, bob, content="original")
    share = created(api, alice, original_post_id=original["id"], content="\u200b\u200b")
    plain = created(api, alice, original_post_id=original["id"], content="")
    assert share["content"] == plain["content"]  # as a share without content
    assert share["original_post_id"] == original["id"]
    assert uuid.UUID(share["id"])
