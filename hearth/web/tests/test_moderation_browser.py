"""The report flow and the moderators' queue in a real browser."""

import pytest

from hearth.moderation.roles import moderator_grant
from hearth.posts.models import Post
from hearth.posts.tests.factories import make_post
from hearth.testing.fixtures import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def test_report_a_post_then_a_moderator_removes_it(page, tmp_path):
    make_user("ana")
    bruno = make_user("bruno").account
    moira = make_user("moira")
    moderator_grant(user=moira)
    post = make_post(bruno, "Cheap watches at spam.example")

    # Given ana on bruno's post, she reports it from the ⋯ menu
    log_in(page, "ana")
    page.goto(f"/@bruno/{post.pk}")
    page.get_by_label("More actions for this post").first.click()
    page.get_by_role("link", name="Report post…").click()
    page.get_by_role("radio", name="Spam").check()
    assert page.get_by_label("Cheap watches", exact=False).is_checked()
    page.get_by_label("Anything else the moderators should know?").fill("Spam")
    page.get_by_label("Also mute them").check()
    page.screenshot(path=str(tmp_path / "report-form.png"), full_page=True)
    page.get_by_role("button", name="Send report").click()
    page.get_by_text("your report is with the moderators").wait_for()

    # When moira opens the queue and the report
    page.context.clear_cookies()
    log_in(page, "moira")
    page.goto("/settings/profile")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Moderation").click()
    page.locator(".report-table").get_by_text("@bruno").wait_for()
    page.screenshot(path=str(tmp_path / "queue.png"), full_page=True)
    page.locator(".report-table a").first.click()
    page.get_by_role("button", name="Assign to me").click()
    page.get_by_text("Assigned to you.").first.wait_for()
    page.get_by_label("Action").select_option("remove_post")
    page.get_by_label("Post", exact=True).select_option(str(post.pk))
    page.get_by_label("Reason").fill("Spam is against rule 1")
    page.get_by_role("button", name="Take action").click()
    page.get_by_text("The report is resolved").wait_for()
    page.screenshot(path=str(tmp_path / "report-page.png"), full_page=True)

    # Then the post is removed
    assert Post.objects.get(pk=post.pk).review_state == "removed"
