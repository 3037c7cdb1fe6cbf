"""Editing the server rules from the admins' page in a real browser."""

import pytest
from playwright.sync_api import expect

from hearth.moderation.models import ServerRule
from hearth.testing.fixtures import make_user
from hearth.web.tests.test_moderation_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def texts() -> list[str]:
    return list(ServerRule.objects.order_by("position", "id").values_list("text", flat=True))


def test_an_admin_adds_rewords_moves_and_removes_a_rule(page):
    # Rules of its own: a transactional test may run after another emptied the seeded ones.
    ServerRule.objects.all().delete()
    for position, text in enumerate(("Treat people with respect.", "No spam."), start=1):
        ServerRule.objects.create(text=text, position=position)
    make_user("chief", is_admin=True)
    log_in(page, "chief")

    # Given the queue, the tabs lead to the page
    page.goto("/moderation/")
    page.get_by_role("navigation", name="Moderation").get_by_role(
        "link", name="Server rules"
    ).click()
    page.locator(".rule-table").get_by_text("Treat people with respect.").wait_for()

    # When she adds a rule, leaving the text empty at first
    page.get_by_role("button", name="Add rule").click()
    page.get_by_text("Write the rule.").wait_for()
    page.get_by_label("Rule", exact=True).fill("No cucumbers.")
    page.get_by_label("Explanation (optional)").fill("Not even pickled.")
    page.get_by_role("button", name="Add rule").click()
    page.get_by_text("“No cucumbers.” is added, last in the list.").wait_for()
    assert texts()[-1] == "No cucumbers."
    # last, so it can't go further down
    expect(page.get_by_role("button", name="Move “No cucumbers.” down")).to_be_disabled()

    # Then she moves it up, rewords it and removes it
    page.get_by_role("button", name="Move “No cucumbers.” up").click()
    expect(page.get_by_role("button", name="Move “No cucumbers.” down")).to_be_enabled()
    assert texts()[-2] == "No cucumbers."
    page.get_by_role("link", name="Edit “No cucumbers.”").click()
    page.get_by_label("Rule", exact=True).fill("No gherkins.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Rule saved.").wait_for()
    page.get_by_role("button", name="Remove “No gherkins.”").click()
    page.get_by_text("“No gherkins.” is no longer a rule.").wait_for()
    assert "No gherkins." not in texts()
    assert texts() == ["Treat people with respect.", "No spam."]
