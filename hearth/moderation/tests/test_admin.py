import re

import pytest

from hearth.moderation.models import PolicyVersion
from hearth.moderation.services import policy_update

pytestmark = pytest.mark.django_db

CHANGE_URL = "/admin/moderation/policypage/{slug}/change/"


def hidden_inputs(html: str) -> dict[str, str]:
    """The hidden fields a browser would send back (CSRF token, inline management form)."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]+)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name:
                fields[name.group(1)] = value.group(1) if value else ""
    return fields


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_admin_lists_the_four_pages(admin_client):
    response = admin_client.get("/admin/moderation/policypage/")
    assert response.status_code == 200
    body = response.content.decode()
    for title in (
        "About this server",
        "Privacy policy",
        "Terms of service",
        "Community guidelines",
    ):
        assert title in body
    assert "Shipped text, never edited" in body


def test_editor_starts_from_the_shipped_text_with_placeholders(admin_client):
    response = admin_client.get(CHANGE_URL.format(slug="privacy"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "## What we collect" in body
    assert "{instance_name}" in body  # the admin edits the template, not a frozen copy
    assert "HEARTH_CONTACT_EMAIL" in body  # the placeholders are explained


def test_saving_in_the_admin_creates_a_version_shown_on_the_page(admin_client, admin_user):
    # Given an earlier version of the terms
    policy_update(slug="terms", body="## Old\n\nOld terms.", editor=None)
    form = admin_client.get(CHANGE_URL.format(slug="terms")).content.decode()

    # When the admin saves a new text through the change form
    data = hidden_inputs(form) | {
        "body": "## Fresh\n\nNew terms for {instance_name}.",
        "note": "Rewrote everything",
        "_save": "Save",
    }
    response = admin_client.post(CHANGE_URL.format(slug="terms"), data)

    # Then a version is added, credited to the admin, and the public page shows it
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = PolicyVersion.objects.filter(page_id="terms").order_by("-id").first()
    assert latest.body == "## Fresh\n\nNew terms for {instance_name}."
    assert latest.editor == admin_user
    assert latest.note == "Rewrote everything"
    assert PolicyVersion.objects.filter(page_id="terms").count() == 2
    page = admin_client.get("/terms").content.decode()
    assert "New terms for Hearth." in page
    assert "Old terms." not in page

    # And the history lists both versions, read-only
    history = admin_client.get(CHANGE_URL.format(slug="terms")).content.decode()
    assert "Rewrote everything" in history
    assert history.count("/admin/moderation/policyversion/") >= 2
    assert "versions-0-DELETE" not in history


def test_an_empty_text_is_refused_next_to_the_field(admin_client):
    form = admin_client.get(CHANGE_URL.format(slug="about")).content.decode()
    data = hidden_inputs(form) | {"body": "   ", "note": "", "_save": "Save"}

    response = admin_client.post(CHANGE_URL.format(slug="about"), data)

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not PolicyVersion.objects.exists()


def test_an_old_version_can_be_read_but_not_changed(admin_client, admin_user):
    version = policy_update(slug="about", body="## Hello\n\nOld about.", editor=admin_user)
    url = f"/admin/moderation/policyversion/{version.pk}/change/"

    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Old about." in page.content.decode()

    admin_client.post(url, {"body": "tampered"})
    version.refresh_from_db()
    assert version.body == "## Hello\n\nOld about."


def test_pages_cannot_be_added_or_deleted(admin_client):
    assert admin_client.get("/admin/moderation/policypage/add/").status_code == 403
    assert admin_client.get(CHANGE_URL.format(slug="about") + "../delete/").status_code == 403


def test_members_who_are_not_staff_cannot_edit(client_with_user):
    response = client_with_user.get(CHANGE_URL.format(slug="privacy"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_blocked_phrases_changed_in_the_admin_are_in_the_audit_log(admin_client, admin_user):
    from hearth.moderation.models import ActionKind, BlockedPhrase, ModerationAction

    # When an admin adds a phrase in the Django admin, changes it (then saves it unchanged),
    # then deletes it
    add = admin_client.get("/admin/moderation/blockedphrase/add/")
    fields = hidden_inputs(add.content.decode())
    added = admin_client.post(
        "/admin/moderation/blockedphrase/add/",
        {**fields, "phrase": "cheap watches", "whole_word": "on", "action": "hold"},
    )
    assert added.status_code == 302
    phrase = BlockedPhrase.objects.get(phrase="cheap watches")
    change_url = f"/admin/moderation/blockedphrase/{phrase.pk}/change/"
    fields = hidden_inputs(admin_client.get(change_url).content.decode())
    changed = admin_client.post(
        change_url, {**fields, "phrase": "cheap watches", "whole_word": "on", "action": "reject"}
    )
    assert changed.status_code == 302
    # Saved again unchanged: nothing to log.
    admin_client.post(
        change_url, {**fields, "phrase": "cheap watches", "whole_word": "on", "action": "reject"}
    )
    delete_url = f"/admin/moderation/blockedphrase/{phrase.pk}/delete/"
    fields = hidden_inputs(admin_client.get(delete_url).content.decode())
    assert admin_client.post(delete_url, {**fields, "post": "yes"}).status_code == 302
    # Then each is an audit log entry by that admin, with the phrase's settings at the time
    entries = list(
        ModerationAction.objects.order_by("id").values_list("kind", "moderator_id", "reason")
    )
    assert entries == [
        (
            ActionKind.PHRASE_BLOCK,
            admin_user.pk,
            "“cheap watches” (whole word; hold it for review)",
        ),
        (
            ActionKind.PHRASE_CHANGE,
            admin_user.pk,
            "“cheap watches” (whole word; hold it for review)"
            " → “cheap watches” (whole word; refuse the post)",
        ),
        (ActionKind.PHRASE_UNBLOCK, admin_user.pk, "“cheap watches” (whole word; refuse the post)"),
    ]
    assert not BlockedPhrase.objects.exists()


def test_phrases_deleted_together_in_the_admin_are_each_in_the_audit_log(admin_client):
    from hearth.moderation.models import ActionKind, BlockedPhrase, ModerationAction

    made = [BlockedPhrase.objects.create(phrase=text) for text in ("spam one", "spam two")]
    listing = admin_client.get("/admin/moderation/blockedphrase/")
    fields = hidden_inputs(listing.content.decode())
    response = admin_client.post(
        "/admin/moderation/blockedphrase/",
        {
            **fields,
            "action": "delete_selected",
            "_selected_action": [str(phrase.pk) for phrase in made],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not BlockedPhrase.objects.exists()
    unblocked = ModerationAction.objects.filter(kind=ActionKind.PHRASE_UNBLOCK)
    assert sorted(entry.reason for entry in unblocked) == [
        "“spam one” (whole word; hold it for review)",
        "“spam two” (whole word; hold it for review)",
    ]


def test_server_rules_changed_in_the_admin_are_in_the_audit_log(admin_client, admin_user):
    from hearth.moderation.models import ActionKind, ModerationAction, ServerRule

    # When an admin adds a rule in the Django admin, rewords it, then deletes it
    add = admin_client.get("/admin/moderation/serverrule/add/")
    fields = hidden_inputs(add.content.decode())
    added = admin_client.post(
        "/admin/moderation/serverrule/add/",
        {**fields, "text": "No cucumbers.", "hint": "", "position": "11"},
    )
    assert added.status_code == 302
    rule = ServerRule.objects.get(text="No cucumbers.")
    change_url = f"/admin/moderation/serverrule/{rule.pk}/change/"
    fields = hidden_inputs(admin_client.get(change_url).content.decode())
    changed = admin_client.post(
        change_url, {**fields, "text": "No gherkins.", "hint": "Really.", "position": "11"}
    )
    assert changed.status_code == 302
    # Saved again unchanged: nothing to log.
    admin_client.post(
        change_url, {**fields, "text": "No gherkins.", "hint": "Really.", "position": "11"}
    )
    delete_url = f"/admin/moderation/serverrule/{rule.pk}/delete/"
    fields = hidden_inputs(admin_client.get(delete_url).content.decode())
    assert admin_client.post(delete_url, {**fields, "post": "yes"}).status_code == 302
    # Then each is an audit log entry by that admin, with the rule's text
    entries = list(
        ModerationAction.objects.order_by("id").values_list("kind", "moderator_id", "reason")
    )
    assert entries == [
        (ActionKind.RULE_ADD, admin_user.pk, "“No cucumbers.”"),
        (
            ActionKind.RULE_CHANGE,
            admin_user.pk,
            "“No cucumbers.” → “No gherkins.” (explanation changed)",
        ),
        (ActionKind.RULE_REMOVE, admin_user.pk, "“No gherkins.”"),
    ]
    assert not ServerRule.objects.filter(pk=rule.pk).exists()


def test_rules_reordered_or_deleted_together_in_the_admin_list_are_in_the_audit_log(admin_client):
    from hearth.moderation.models import ActionKind, ModerationAction, ServerRule

    rules = list(ServerRule.objects.order_by("position"))
    listing = admin_client.get("/admin/moderation/serverrule/")
    fields = hidden_inputs(listing.content.decode())
    # The list's editable positions: the last rule goes first.
    form = {**fields, "_save": "Save"}
    for index, rule in enumerate(rules):
        form[f"form-{index}-position"] = "0" if rule == rules[-1] else str(rule.position)
    assert admin_client.post("/admin/moderation/serverrule/", form).status_code == 302
    moved = ModerationAction.objects.get()
    assert (moved.kind, moved.reason) == (
        ActionKind.RULE_MOVE,
        "“Mark sensitive content.” (now 1 of 10)",
    )

    fields = hidden_inputs(admin_client.get("/admin/moderation/serverrule/").content.decode())
    response = admin_client.post(
        "/admin/moderation/serverrule/",
        {
            **fields,
            "action": "delete_selected",
            "_selected_action": [str(rules[0].pk), str(rules[1].pk)],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    removed = ModerationAction.objects.filter(kind=ActionKind.RULE_REMOVE)
    assert sorted(entry.reason for entry in removed) == [
        "“No hate.”",
        "“Treat people with respect.”",
    ]
