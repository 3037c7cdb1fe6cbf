"""Every account page a member reaches renders in Hearth's frame, and bad input gets a clear
error next to the field, never a 500."""

import re

import pytest
from django.core import mail
from django.test import Client

from hearth.accounts.models import Account, User
from hearth.accounts.tests.authflows import activate_totp, confirm_access, log_in
from hearth.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a-brand-new-passphrase-77"


def signup(client: Client, **overrides: str):  # type: ignore[no-untyped-def]
    data = {
        "username": "carla",
        "email": "carla@example.org",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        "accept_terms": "on",
    }
    data.update(overrides)
    return client.post("/accounts/signup/", data)


def field_errors(html: str, field: str) -> str:
    """The text of the errors rendered inside the given field's group."""
    start = html.index(f'id="id_{field}"')
    group_end = html.find('<div class="field', start)
    chunk = html[start : group_end if group_end != -1 else None]
    return " ".join(re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', chunk, re.S))


def assert_in_frame(response) -> None:  # type: ignore[no-untyped-def]
    body = response.content.decode()
    assert "hearth.css" in body
    assert 'class="site-header"' in body
    assert "Menu:" not in body  # allauth's bare layout is not used


# --- Pages answer 200 in the site's frame -----------------------------------------------------


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/accounts/login/", "Log in"),
        ("/accounts/signup/", "Create an account"),
        ("/accounts/confirm-email/", "Check your email"),
        ("/accounts/password/reset/", "Reset your password"),
        ("/accounts/password/reset/done/", "Check your email"),
        ("/accounts/password/reset/key/done/", "Password changed"),
    ],
)
def test_entrance_pages_render_for_visitors(client, url, heading):
    response = client.get(url)
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()
    assert_in_frame(response)


def test_login_page_links_to_password_reset_and_signup(client):
    body = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/"' in body
    assert "Forgot your password?" in body
    assert 'href="/accounts/signup/"' in body
    assert "Create an account" in body
    assert 'autocomplete="current-password"' in body


def test_signup_page_introduces_the_server_and_asks_for_terms(client, settings):
    body = client.get("/accounts/signup/").content.decode()
    assert "Join Hearth" in body
    for field in ("username", "email", "password1", "password2", "accept_terms"):
        assert f'name="{field}"' in body
    assert 'href="/terms"' in body


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/accounts/password/change/", "Password"),
        ("/accounts/email/", "Email"),
        ("/accounts/logout/", "Log out?"),
        ("/accounts/2fa/", "Two-factor authentication"),
        ("/accounts/sessions/", "Sessions"),
        ("/accounts/reauthenticate/", "Confirm it’s you"),
    ],
)
def test_member_pages_render(client, user, url, heading):
    log_in(client, "ana", PASSWORD)
    response = client.get(url)
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()
    assert_in_frame(response)


def test_settings_pages_show_the_settings_sidebar(client, user):
    log_in(client, "ana", PASSWORD)
    body = client.get("/accounts/sessions/").content.decode()
    assert 'class="settings-nav"' in body
    assert 'href="/accounts/sessions/" aria-current="page"' in body


def test_two_factor_pages_render_once_enabled(client, user):
    # Given two-factor authentication is on
    log_in(client, "ana", PASSWORD)
    activate_totp(client, PASSWORD)
    # Then each of its pages answers
    for url, heading in [
        ("/accounts/2fa/", "Two-factor authentication"),
        ("/accounts/2fa/totp/deactivate/", "Turn off authenticator app?"),
        ("/accounts/2fa/recovery-codes/", "Recovery codes"),
        ("/accounts/2fa/recovery-codes/generate/", "Generate new recovery codes?"),
        ("/accounts/2fa/reauthenticate/", "Confirm it’s you"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f"<h1>{heading}</h1>" in response.content.decode(), url
    assert client.get("/accounts/2fa/recovery-codes/download/").status_code == 200
    # And the login challenge page renders for a second browser
    other = Client()
    log_in(other, "ana", PASSWORD)
    response = other.get("/accounts/2fa/authenticate/")
    assert response.status_code == 200
    assert_in_frame(response)


def test_totp_activation_shows_the_qr_code_and_the_secret(client, user):
    log_in(client, "ana", PASSWORD)
    client.get("/accounts/2fa/totp/activate/")
    confirm_access(client, PASSWORD)
    response = client.get("/accounts/2fa/totp/activate/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<img src="data:image/svg+xml;base64,' in body
    assert 'alt="QR code to scan with your authenticator app"' in body
    assert re.search(r'id="authenticator_secret" value="[A-Z2-7]{32}"', body)
    assert '<label for="id_code">Six-digit code</label>' in body


def test_email_confirmation_page_renders(client):
    signup(client)
    link = re.search(r"(/accounts/confirm-email/[^\s]+)", mail.outbox[0].body).group(1)
    response = client.get(link)
    assert response.status_code == 200
    assert "Confirm my email" in response.content.decode()


def test_password_reset_from_key_page_renders(client, user):
    client.post("/accounts/password/reset/", {"email": "ana@example.org"})
    link = re.search(r"(/accounts/password/reset/key/[^\s]+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert "<h1>Choose a new password</h1>" in response.content.decode()


def test_pages_needing_a_login_send_visitors_to_log_in(client):
    for url in ("/accounts/password/change/", "/accounts/2fa/", "/accounts/sessions/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_dark_theme_reaches_auth_pages(client, user):
    User.objects.filter(pk=user.pk).update(theme="dark")
    log_in(client, "ana", PASSWORD)
    assert 'data-theme="dark"' in client.get("/accounts/sessions/").content.decode()


# --- Sign-up refuses bad input next to the field -----------------------------------------------


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("admin", "is reserved on this server"),
        ("Admin", "is reserved on this server"),
        ("settings", "is reserved on this server"),
        ("\u0430dmin", "Use only letters (a–z), digits and underscores."),  # Cyrillic "а"
        ("a" * 31, "at most 30 characters"),
        ("bad-name", "Use only letters (a–z), digits and underscores."),
        ("", "This field is required."),
        ("x" * 10_000, "at most 30 characters"),
    ],
)
def test_bad_usernames_are_refused_next_to_the_field(client, username, message):
    # When someone signs up with a bad username
    response = signup(client, username=username)
    # Then the page comes back with the error under the username field
    assert response.status_code == 200
    assert message in field_errors(response.content.decode(), "username")
    # And no one was created and nothing was sent
    assert not User.objects.exists()
    assert not Account.objects.exists()
    assert mail.outbox == []


def test_username_taken_in_another_case_is_refused(client, user):
    response = signup(client, username="ANA")
    assert response.status_code == 200
    assert "already exists" in field_errors(response.content.decode(), "username")
    assert User.objects.count() == 1


def test_email_already_in_use_is_refused(client, user):
    response = signup(client, email="ANA@example.org")
    assert response.status_code == 200
    assert "already registered with this email" in field_errors(response.content.decode(), "email")
    assert User.objects.count() == 1
    assert mail.outbox == []


def test_missing_terms_acceptance_is_refused_next_to_the_checkbox(client):
    response = signup(client, accept_terms="")
    assert response.status_code == 200
    assert "You need to accept the terms to join." in field_errors(
        response.content.decode(), "accept_terms"
    )
    assert not User.objects.exists()


def test_mismatched_passwords_are_refused(client):
    response = signup(client, password2="something-else-entirely")
    assert response.status_code == 200
    assert "field--error" in response.content.decode()
    assert not User.objects.exists()


def test_overlong_inputs_get_errors_not_a_500(client, user):
    huge = "x" * 10_000
    response = signup(
        client, username=huge, email=f"{huge}@example.org", password1=huge, password2=huge
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert field_errors(body, "username")
    assert field_errors(body, "email")
    assert User.objects.count() == 1

    response = log_in(client, huge, huge)
    assert response.status_code == 200
    assert "not correct" in response.content.decode()

    response = client.post("/accounts/password/reset/", {"email": huge})
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "email")


def test_wrong_password_message_is_shown_above_the_form(client, user):
    response = log_in(client, "ana", "nope")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<div class="form-errors" role="alert">' in body
    assert 'value="ana"' in body  # what they typed is kept


def test_post_without_csrf_token_gets_the_sites_403(user):
    # Given a browser whose form token is missing
    client = Client(enforce_csrf_checks=True)
    # When it posts the login form
    response = client.post("/accounts/login/", {"login": "ana", "password": PASSWORD})
    # Then it is refused in the site's own style, and nobody is logged in
    assert response.status_code == 403
    body = response.content.decode()
    assert "expired" in body
    assert "hearth.css" in body
    assert "Forbidden" not in body  # not Django's bare CSRF page
    assert "_auth_user_id" not in client.session
