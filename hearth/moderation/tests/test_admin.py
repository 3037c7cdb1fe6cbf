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
