"""Hashtags and mentions stored on posts, and their timelines (posts.tags)."""

from posts import services
from tests.helpers import assert_refused, get, headers_for
from tests.posts.helpers import created, raw, walk


def test_tags_are_stored_normalised_and_returned(api, alice):
    post = created(api, alice, content="Exam on Friday #CS101 #Exams #cs101")
    assert post["tags"] == ["cs101", "exams"]
    assert raw(post["id"])["tags"] == ["cs101", "exams"]
    plain = created(api, alice, content="nothing to see")
    assert (plain["tags"], plain["mentions"]) == ([], [])
    assert not {"tags", "mentions"} & set(raw(plain["id"]))


def test_tag_timeline_newest_first_paged_with_any_spelling(api, alice, bob):
    posts = [created(api, alice if i % 2 else bob, content=f"#Club{i % 3} n{i}") for i in range(9)]
    expected = [p["id"] for p in posts if "club1" in p["tags"]][::-1]
    for spelling in ("club1", "CLUB1", "\uff23\uff2c\uff35\uff22\uff11"):
        assert [p["id"] for p in walk(api, alice, f"/posts/tags/{spelling}?limit=2")] == expected
    assert walk(api, alice, "/posts/tags/unused") == []


def test_a_string_that_cannot_be_a_tag_has_no_posts(api, alice):
    created(api, alice, content="#2026 a-b")
    for bad in ("2026", "a-b", "x" * 101, "\u00a1"):
        response = get(api, alice, f"/posts/tags/{bad}")
        assert (response.status_code, response.json()) == (200, [])
    assert_refused(get(api, alice, "/posts/tags/cs101?limit=0"), "limit")


def test_posts_appearing_while_a_tag_is_paged_are_neither_skipped_nor_repeated(api, alice):
    ids = []
    for i in range(6):
        post = services.post_create(author_id=alice, content=f"#live {i}")
        ids.append(str(post.id))
    seen = walk(
        api, alice, "/posts/tags/live?limit=2", between=lambda: created(api, alice, content="#live")
    )
    assert [p["id"] for p in seen if p["id"] in ids] == ids[::-1]
    assert len({p["id"] for p in seen}) == len(seen)


def test_editing_a_post_updates_its_tags(api, alice):
    post = created(api, alice, content="#old")
    edited = api.patch(
        f"/posts/{post['id']}", {"content": "#new #Newer"}, format="json", **headers_for(alice)
    ).json()
    assert edited["tags"] == ["new", "newer"]
    assert walk(api, alice, "/posts/tags/old") == []
    assert [p["id"] for p in walk(api, alice, "/posts/tags/newer")] == [post["id"]]
    cleared = api.patch(
        f"/posts/{post['id']}", {"content": "no tags"}, format="json", **headers_for(alice)
    ).json()
    assert cleared["tags"] == []
    assert "tags" not in raw(post["id"])


def test_mentions_timeline_lists_posts_mentioning_the_caller(api, alice, bob):
    known = {"bob": bob}

    def resolve(names):  # the followers service's answer for these names (tests/feed: real)
        return {name: known[name] for name in names if name in known}

    mention = services.post_create(author_id=alice, content="hi @bob and @ghost", resolve=resolve)
    services.post_create(author_id=alice, content="no mention of bob")
    assert raw(mention.id)["mentions"] == [bob]
    listed = walk(api, bob, "/posts/mentions")
    assert [p["id"] for p in listed] == [str(mention.id)]
    assert listed[0]["mentions"] == [str(bob)]
    assert walk(api, alice, "/posts/mentions") == []
    services.post_edit(post_id=mention.id, actor_id=alice, content="bye", resolve=resolve)
    assert walk(api, bob, "/posts/mentions") == []


def test_without_the_followers_service_mentions_stay_text(api, alice):
    post = created(api, alice, content="hello @bob")  # no followers service in these tests
    assert post["mentions"] == []
    assert post["content"] == "hello @bob"
