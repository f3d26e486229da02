"""The browsable API, the home pages and Swagger UI in a real browser (Chromium, issue 20).

As a new developer would: choose a user at /dev/act-as, read the feed (pretty JSON, the user's
name in the top bar, ids linked), create a post from the pre-filled form, follow someone from
the followers service's browsable API, run a call from Swagger UI (with the act-as cookie, and
with "Authorize"). Both services run for real (tests/feed/conftest.py) in development identity
mode; Chromium is Debian's (tests/support/browser.py).
"""

import json
import re
import uuid

from hornet.devtools import DEMO_USERS
from tests.feed.helpers import Stack, post

ALICE, BOB = DEMO_USERS[0], DEMO_USERS[1]


def act_as(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/dev/act-as")
    page.get_by_role("button", name=f"Act as {username}").click()
    page.wait_for_selector(f"#current strong:text-is('{username}')")


def response_text(page) -> str:
    return page.locator(".response-info pre").inner_text()


def test_the_feed_reads_as_pretty_json_with_the_acting_user_by_name(stack: Stack, page):
    created = post(stack, ALICE.user_id, "Exam week: the library stays open late.")
    act_as(page, stack.posts.url, "alice")
    page.goto(f"{stack.posts.url}/feed")
    assert page.locator("#acting-user").inner_text() == "Acting as alice"
    assert "Identity(" not in page.content()
    assert page.title().startswith("Feed · HorNet posts")
    text = response_text(page)
    assert "HTTP 200 OK" in text
    body = json.loads(text[text.index("[") :])
    assert [p["id"] for p in body] == [created["id"]]
    assert f'\n  {{\n    "id": "{created["id"]}",' in text  # indented, one field a line
    # The post's id links to the post; following it shows the post.
    page.get_by_role("link", name=created["id"]).first.click()
    page.wait_for_url(f"**/posts/{created['id']}")
    assert page.locator(".page-header h1").inner_text() == "Post"


def test_a_post_is_created_from_the_pre_filled_form(stack: Stack, page):
    act_as(page, stack.posts.url, "alice")
    page.goto(f"{stack.posts.url}/posts")
    content = page.locator("#post-generic-content-form textarea")
    example = json.loads(content.input_value())
    assert set(example) == {"content"}  # the documented example
    assert example["content"]
    content.fill(json.dumps({"content": "Written in the browsable API"}))
    page.locator("#post-generic-content-form button", has_text="POST").click()
    page.wait_for_selector(".response-info pre:has-text('HTTP 201 Created')")
    with stack.as_user(ALICE.user_id) as client:
        timeline = client.get(f"{stack.posts.url}/posts/author/{ALICE.user_id}").json()
    assert [p["content"] for p in timeline] == ["Written in the browsable API"]


def test_someone_is_followed_from_the_followers_browsable_api(stack: Stack, page):
    act_as(page, stack.followers.url, "alice")
    page.goto(f"{stack.followers.url}/followers")
    assert page.locator(".page-header h1").inner_text() == "Follow someone"
    content = page.locator("#post-generic-content-form textarea")
    assert json.loads(content.input_value()) == {"receiver_id": str(BOB.user_id)}
    page.locator("#post-generic-content-form button", has_text="POST").click()
    page.wait_for_selector(".response-info pre:has-text('HTTP 201 Created')")
    page.goto(f"{stack.followers.url}/followers/user/{ALICE.user_id}/following")
    crumbs = page.locator(".breadcrumb li").all_inner_texts()
    assert crumbs[-1] == "Following"
    assert len(crumbs) == len(set(crumbs))  # no route listed twice (the slash twin)
    assert str(BOB.user_id) in response_text(page)


def test_the_link_header_is_clickable(stack: Stack, page):
    for n in range(3):
        post(stack, ALICE.user_id, f"post {n}")
    act_as(page, stack.posts.url, "alice")
    page.goto(f"{stack.posts.url}/posts/author/{ALICE.user_id}?limit=2")
    page.locator(".response-info .meta a", has_text="cursor=").click()
    page.wait_for_url(re.compile(r".*cursor=.*"))
    assert "post 0" in response_text(page)


def test_stop_acting_from_the_top_bar(stack: Stack, page):
    act_as(page, stack.posts.url, "alice")
    page.goto(f"{stack.posts.url}/feed")
    page.locator("#stop-acting button").click()
    page.wait_for_selector(".response-info pre:has-text('HTTP 401')")
    assert page.locator("#switch-user").inner_text() == "Act as a user"


def test_the_home_page_links_every_entry_point(stack: Stack, page):
    act_as(page, stack.posts.url, "alice")
    page.goto(f"{stack.posts.url}/")
    assert "Acting as alice" in page.locator("#current").inner_text()
    links = page.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for target in ("/feed", "/posts", "/posts/docs", "/posts/schema", "/healthz", "/readyz"):
        assert target in links, (target, links)
    page.get_by_role("link", name="Home feed").click()
    page.wait_for_selector(".response-info pre:has-text('HTTP 200 OK')")
    page.goto(f"{stack.followers.url}/")  # the same cookie: both services run on 127.0.0.1
    assert page.locator("h1").inner_text() == "HorNet · followers service"
    page.get_by_role("link", name="Suggestions").click()
    page.wait_for_selector(".response-info pre:has-text('HTTP 200 OK')")


def test_swagger_ui_runs_a_call_as_the_acting_user_and_with_authorize(stack: Stack, page):
    created = post(stack, BOB.user_id, "bob's post")
    act_as(page, stack.posts.url, "alice")
    page.goto(f"{stack.posts.url}/posts/docs")
    operation = page.locator("#operations-posts-posts_by_author")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.locator("input[placeholder='author_id']").fill(str(BOB.user_id))
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    assert status.inner_text().strip() == "200"
    assert created["id"] in operation.locator(".live-responses-table").inner_text()
    # "Authorize" with a user id: the call is made as that user (the header wins).
    stranger = uuid.uuid4()
    page.get_by_role("button", name="Authorize").first.click()
    page.locator(".modal-ux input[type=text]").fill(str(stranger))
    page.locator(".modal-ux .auth-btn-wrapper button.authorize").click()
    page.locator(".modal-ux button.btn-done").click()
    feed = page.locator("#operations-feed-feed")
    feed.locator(".opblock-summary").click()
    feed.get_by_role("button", name="Try it out").click()
    feed.get_by_role("button", name="Execute").click()
    status = feed.locator(".live-responses-table tbody .response-col_status").first
    assert status.inner_text().strip() == "200"
    curl = feed.locator(".curl-command").inner_text()
    assert f"X-User-ID: {stranger}" in curl
