"""The relationship area in a real browser: htmx swaps it in place, without a page load."""

import pytest

from hearth.graph.models import Follow, Mute
from hearth.testing.fixtures import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def test_follow_mute_and_unfollow_in_place(page):
    # Given ana, signed in, on bruno's profile
    ana = make_user("ana").account
    bruno = make_user("bruno").account
    log_in(page, "ana")
    page.goto("/@bruno")
    page.evaluate("window.samePage = true")  # gone if the page reloads

    # When she follows him
    page.get_by_role("button", name="Follow @bruno", exact=True).click()
    # Then the area and the count change in place
    page.get_by_role("button", name="Unfollow @bruno").wait_for()
    assert page.locator("#relationship").get_by_text("You now follow @bruno.").is_visible()
    assert page.locator("#profile-stats").get_by_text("1 Follower").is_visible()
    assert Follow.objects.filter(follower=ana, target=bruno).exists()

    # When she mutes only his reposts from the ⋯ menu
    page.get_by_label("More actions for @bruno").click()
    page.get_by_label("Only their reposts").check()
    page.get_by_role("button", name="Mute @bruno").click()
    page.locator("#relationship").get_by_text("Reposts muted").wait_for()
    assert Mute.objects.get(account=ana, target=bruno).reposts_only

    # When she unfollows
    page.get_by_role("button", name="Unfollow @bruno").click()
    page.get_by_role("button", name="Follow @bruno", exact=True).wait_for()
    assert not Follow.objects.exists()
    # And all of it happened without leaving the page
    assert page.evaluate("window.samePage") is True


def test_a_refused_follow_says_why_in_the_page(page, rate_limits):
    # Given ana, on her first day, who may follow one member a day and has
    rate_limits.HEARTH_RATE_LIMITS = {"follow": {"new_account": "1/d"}}
    make_user("ana")
    make_user("bruno")
    make_user("carla")
    log_in(page, "ana")
    page.goto("/@bruno")
    page.get_by_role("button", name="Follow @bruno", exact=True).click()
    page.get_by_role("button", name="Unfollow @bruno").wait_for()
    # When she clicks Follow on carla's profile
    page.goto("/@carla")
    page.get_by_role("button", name="Follow @carla", exact=True).click()
    # Then the page says why nothing happened, and when she can try again
    notice = page.get_by_role("alert")
    notice.get_by_text("You’ve followed a lot of people in a short time.").wait_for()
    assert "You can try again in" in notice.inner_text()
    assert page.get_by_role("button", name="Follow @carla", exact=True).is_visible()
    assert not Follow.objects.filter(target__username="carla").exists()
    # And it can be dismissed
    notice.get_by_role("button", name="Dismiss").click()
    notice.wait_for(state="hidden")
