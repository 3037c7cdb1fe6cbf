import datetime

import pytest
from django.test import override_settings

from hearth.moderation.defaults import SHIPPED_ON
from hearth.moderation.models import PolicySlug
from hearth.moderation.selectors import (
    markdown_section,
    policy_body_get,
    policy_get,
    server_admin_list,
    server_member_count,
    server_rules_get,
)
from hearth.moderation.services import policy_update
from hearth.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def test_fresh_server_shows_the_shipped_text_with_its_date():
    # Given a server where nobody edited the privacy policy
    # When it is read
    policy = policy_get(slug="privacy")

    # Then it is the shipped text, rendered, dated when it shipped
    assert policy.title == "Privacy policy"
    assert policy.updated_on == SHIPPED_ON
    assert policy.edited is False
    assert "<h2>What we collect</h2>" in policy.html
    assert "{instance_name}" not in policy.html


@override_settings(HEARTH_INSTANCE_NAME="Lakeside Commons", HEARTH_CONTACT_EMAIL="hi@lake.example")
def test_the_servers_name_and_contact_are_filled_in():
    html = policy_get(slug="terms").html
    assert "Lakeside Commons" in html
    assert '<a href="mailto:hi@lake.example" rel="noopener noreferrer">hi@lake.example</a>' in html


def test_a_renamed_server_never_gets_the_old_name_from_the_cache():
    # Given the page cached under one name
    with override_settings(HEARTH_INSTANCE_NAME="First Name"):
        assert "First Name" in policy_get(slug="guidelines").html

    # When the server is renamed
    with override_settings(HEARTH_INSTANCE_NAME="Second Name"):
        html = policy_get(slug="guidelines").html

    # Then the page shows the new name
    assert "Second Name" in html
    assert "First Name" not in html


def test_the_latest_saved_version_is_shown(admin_user):
    # Given two saved versions
    policy_update(slug="terms", body="## One\n\nFirst text.", editor=admin_user)
    policy_update(
        slug="terms", body="## Two\n\nSecond text for {instance_name}.", editor=admin_user
    )

    # When the page is read
    policy = policy_get(slug="terms")

    # Then it is the newer one, dated today
    assert "Second text for Hearth." in policy.html
    assert "First text" not in policy.html
    assert policy.edited is True
    assert policy.updated_on == datetime.datetime.now(tz=datetime.UTC).date()
    assert policy_body_get(slug=PolicySlug.TERMS) == "## Two\n\nSecond text for {instance_name}."


def test_a_cached_page_costs_no_query_and_a_cold_one_costs_one(django_assert_num_queries):
    with django_assert_num_queries(1):
        policy_get(slug="privacy")
    with django_assert_num_queries(0):
        policy_get(slug="privacy")


def test_unknown_slug_is_refused():
    with pytest.raises(ValueError, match="nope"):
        policy_get(slug="nope")


def test_saved_html_is_sanitized(admin_user):
    policy_update(
        slug="about",
        body="Hi <script>alert(1)</script>[x](javascript:alert(2))",
        editor=admin_user,
    )
    html = policy_get(slug="about").html
    assert "<script" not in html
    assert "javascript:" not in html


def test_server_rules_are_the_rules_section_of_the_guidelines(admin_user):
    # Given the shipped guidelines
    # Then /about's rules are their "Server rules" list, without the sections around it
    rules = server_rules_get()
    assert rules is not None
    assert "harassment" in rules
    assert "How to report" not in rules

    # When an admin rewrites the rules
    policy_update(
        slug="guidelines",
        body="Intro.\n\n## Our rules\n\n1. Be excellent.\n\n## Appeals\n\nWrite to us.",
        editor=admin_user,
    )

    # Then the new rules show (the cache was dropped), and nothing else from the page
    rules = server_rules_get()
    assert rules is not None
    assert "Be excellent." in rules
    assert "Write to us" not in rules


def test_without_a_rules_heading_there_are_no_rules_to_show(admin_user):
    policy_update(slug="guidelines", body="## Be nice\n\nThat's all.", editor=admin_user)
    assert server_rules_get() is None


def test_markdown_section_finds_the_section_by_heading():
    body = "Intro\n\n## First\n\none\n\n## Server Rules ##\n\n- a\n- b\n\n## Last\n\nz"
    assert markdown_section(body, title_contains="rules") == "- a\n- b"
    assert markdown_section(body, title_contains="last") == "z"
    assert markdown_section(body, title_contains="missing") is None


def test_member_count_and_admins_leave_out_inactive_and_departing_members(user, admin_user):
    # Given an active member, an admin, a deactivated member and one who asked to be deleted
    gone = make_user("gone")
    gone.is_active = False
    gone.save()
    leaving = make_user("leaving")
    leaving.deletion_scheduled_at = datetime.datetime.now(tz=datetime.UTC)
    leaving.save()
    former_admin = make_user("former_admin", is_admin=True)
    former_admin.is_active = False
    former_admin.save()

    # Then only the first two count, and only the active admin is listed
    assert server_member_count() == 2
    assert [account.username for account in server_admin_list()] == ["root_admin"]
