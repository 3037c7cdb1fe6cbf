"""Two people in two browsers: follow, post, like, reply, notifications, then a block."""

import pytest

from hearth.posts.models import Favourite, Post
from hearth.testing.fixtures import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POST_TEXT = "Bread from the new bakery on Elm Street is excellent #localfood"
REPLY_TEXT = "Agreed, their rye is the best in town"


def _signed_in_page(chromium, live_server, username):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_follow_post_like_reply_notify_then_block(chromium, live_server):
    # Given Ana and Bruno, each signed in in their own browser
    make_user("ana")
    make_user("bruno")
    ana = _signed_in_page(chromium, live_server, "ana")
    bruno = _signed_in_page(chromium, live_server, "bruno")

    # When Ana follows Bruno from his profile
    ana.goto("/@bruno")
    ana.get_by_role("button", name="Follow @bruno", exact=True).click()
    ana.get_by_role("button", name="Unfollow @bruno", exact=True).wait_for()

    # And Bruno posts from his home page
    bruno.goto("/")
    bruno.get_by_label("What’s on your mind?").fill(POST_TEXT)
    bruno.get_by_role("button", name="Post", exact=True).click()
    bruno.locator("article", has_text=POST_TEXT).first.wait_for()

    # Then Ana sees the post on her home timeline, likes it and replies to it
    ana.goto("/")
    card = ana.locator("article", has_text=POST_TEXT).first
    card.get_by_role("button", name="Like (0 likes)").click()
    card.get_by_role("button", name="Unlike (1 like)").wait_for()
    assert Favourite.objects.filter(account__username="ana").count() == 1
    card.get_by_role("link", name="Reply (0 replies)").click()
    ana.get_by_label("Your reply").fill(f"@bruno {REPLY_TEXT}")
    ana.get_by_role("button", name="Reply", exact=True).click()
    ana.locator("article", has_text=REPLY_TEXT).first.wait_for()
    post = Post.objects.get(text=POST_TEXT)

    # And Bruno is notified of both
    bruno.goto("/notifications")
    main = bruno.locator("main")
    main.get_by_text("liked your post").wait_for()
    assert main.get_by_text("replied to your post").is_visible()

    # When Bruno blocks Ana
    bruno.goto("/@ana")
    bruno.get_by_label("More actions for @ana").click()
    bruno.get_by_role("link", name="Block @ana…").click()
    bruno.get_by_role("button", name="Block @ana", exact=True).click()
    bruno.get_by_text("You blocked @ana").first.wait_for()

    # Then Ana no longer sees Bruno anywhere
    assert ana.goto("/@bruno").status == 404
    assert ana.goto(f"/@bruno/{post.pk}").status == 404
    for path in ("/", "/public", "/tags/localfood"):
        ana.goto(path)
        assert ana.locator("main").get_by_text(POST_TEXT).count() == 0, path
