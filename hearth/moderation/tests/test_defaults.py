import re

import pytest
from django.test import override_settings

from hearth.moderation.defaults import PLACEHOLDERS, default_body, fill_placeholders
from hearth.moderation.models import PolicySlug


def words(text: str) -> int:
    return len(re.findall(r"\w+", text))


@pytest.mark.parametrize(
    ("slug", "at_least"),
    [
        (PolicySlug.PRIVACY, 900),
        (PolicySlug.TERMS, 900),
        (PolicySlug.GUIDELINES, 600),
        (PolicySlug.ABOUT, 150),
    ],
)
def test_each_shipped_text_is_substantial(slug, at_least):
    assert words(default_body(slug)) >= at_least


@pytest.mark.parametrize("slug", list(PolicySlug))
def test_shipped_texts_use_only_known_placeholders(slug):
    # Any {word} in a shipped text must be one we fill in, or readers would see raw braces.
    used = set(re.findall(r"\{(\w+)\}", default_body(slug)))
    assert used <= set(PLACEHOLDERS)
    assert {"instance_name", "contact_email"} <= used


@override_settings(
    HEARTH_INSTANCE_NAME="Riverside Social",
    HEARTH_DOMAIN="riverside.example",
    HEARTH_CONTACT_EMAIL="mods@riverside.example",
    HEARTH_DELETION_GRACE_DAYS=14,
)
def test_placeholders_are_filled_from_settings_and_other_braces_left_alone():
    text = "{instance_name} at {domain}: {contact_email}, {deletion_grace_days} days. {unknown} {"
    assert fill_placeholders(text) == (
        "Riverside Social at riverside.example: mods@riverside.example, 14 days. {unknown} {"
    )


def test_privacy_policy_states_what_hearth_actually_does():
    text = default_body(PolicySlug.PRIVACY)
    for fact in (
        "Argon2",
        "session cookie",
        "CSRF cookie",
        "IP address",
        "user agent",
        "Settings → Your data",
        "zip",
        "{deletion_grace_days} days",
        "Backups",
        "Server logs",
        "no trackers",
        "don't show ads",
        "reset",
    ):
        assert fact in text, fact
