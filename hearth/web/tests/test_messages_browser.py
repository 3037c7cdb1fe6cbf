"""Direct messages in a real browser: one member writes to another from the compose box, the
other finds it in Messages, opens the conversation and replies; on a phone the header's new
entries (Messages, Lists, search) stay on screen."""

import pytest
from playwright.sync_api import Page

from hearth.testing.fixtures import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def test_a_direct_message_reaches_the_recipients_inbox_and_they_reply(page: Page) -> None:
    make_user("ana")
    make_user("bruno")

    # Given ana writes a post to @bruno, visible to mentioned people only
    log_in(page, "ana")
    page.get_by_label("What’s on your mind?").fill("@bruno want to swap seeds on Saturday?")
    page.get_by_label("Who can see this").select_option("direct")
    page.get_by_role("button", name="Post", exact=True).click()
    page.locator(".post").get_by_text("want to swap seeds").first.wait_for()

    # When bruno opens Messages from the header
    page.context.clear_cookies()
    log_in(page, "bruno")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Messages").click()

    # Then the conversation is there, unread, with ana's words
    conversation = page.locator(".notification-list li").first
    conversation.get_by_text("ana").first.wait_for()
    assert "want to swap seeds" in conversation.inner_text()
    assert conversation.get_by_text("New").is_visible()

    # And opening it shows the message; his reply lands in the same conversation
    conversation.locator(".notification__post").click()
    page.get_by_role("heading", name="ana").wait_for()
    page.get_by_label("Your message").fill("Saturday works!")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Message sent.").wait_for()
    assert page.locator(".thread__list .post").count() == 2

    # And back in the list it is read now, and shows his reply as the latest
    page.get_by_role("link", name="← All messages").click()
    latest = page.locator(".notification-list li").first
    assert "You: " in latest.inner_text()
    assert latest.get_by_text("New").count() == 0


def test_the_header_fits_a_phone(page: Page) -> None:
    make_user("ana")
    log_in(page, "ana")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/messages")

    # Nothing sticks out sideways, and every main entry is on screen
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Home", "Lists", "Messages", "Notifications", "Settings"):
        box = nav.get_by_role("link", name=name).bounding_box()
        assert box is not None, name
        assert box["x"] >= 0, name
        assert box["x"] + box["width"] <= 390, name
    search = page.get_by_role("searchbox", name="Search")
    search.fill("ana")
    search.press("Enter")
    page.wait_for_url("**/search?q=ana")
    page.get_by_role("heading", name="Search").wait_for()
