"""Blocking a phrase from the moderators' page in a real browser."""

import pytest

from hearth.moderation.models import BlockedPhrase
from hearth.moderation.roles import moderator_grant
from hearth.testing.fixtures import make_user
from hearth.web.tests.test_moderation_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_moderator_blocks_edits_then_unblocks_a_phrase(page):
    moderator_grant(user=make_user("moira"))
    log_in(page, "moira")

    # Given the queue, the tabs lead to the page
    page.goto("/moderation/")
    page.get_by_role("navigation", name="Moderation").get_by_role(
        "link", name="Blocked phrases"
    ).click()
    page.get_by_text("No blocked words or phrases yet.").wait_for()

    # When she blocks a phrase, refusing posts that use it
    page.get_by_label("Word or phrase", exact=True).fill("cheap watches")
    assert page.get_by_label("Whole word only").is_checked()
    page.get_by_label("What to do with a post that uses it").select_option("reject")
    page.get_by_role("button", name="Block", exact=True).click()
    page.get_by_text("“cheap watches” is blocked from the next post on.").wait_for()
    assert BlockedPhrase.objects.get().action == "reject"

    # Then it is listed; she rewords it, holding posts instead, and one click unblocks it
    page.locator(".phrase-table").get_by_text("Refused").wait_for()
    page.get_by_role("link", name="Edit “cheap watches”").click()
    page.get_by_label("Word or phrase", exact=True).fill("cheap rolex")
    page.get_by_label("What to do with a post that uses it").select_option("hold")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("“cheap rolex” saved, from the next post on.").wait_for()
    page.locator(".phrase-table").get_by_text("Held for review").wait_for()
    assert BlockedPhrase.objects.get().action == "hold"
    page.get_by_role("button", name="Unblock “cheap rolex”").click()
    page.get_by_text("“cheap rolex” is no longer blocked.").wait_for()
    assert not BlockedPhrase.objects.exists()
