"""The account flows end to end through allauth: sign-up and verification, logging in and out,
password reset and change, two-factor authentication and sessions."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client

from hearth.accounts.models import Account, User
from hearth.accounts.tests.authflows import activate_totp, confirm_access, log_in, totp_code
from hearth.testing.fixtures import PASSWORD

NEW_PASSWORD = "a-brand-new-passphrase-77"
LINK_RE = re.compile(r"https?://[^/\s]+(/accounts/[^\s]+)")

pytestmark = pytest.mark.django_db


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "username": "carla",
        "email": "carla@example.org",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "accept_terms": "on",
    }
    data.update(overrides)
    return data


def emailed_link(message: mail.EmailMessage) -> str:
    match = LINK_RE.search(message.body)
    assert match, message.body
    return match.group(1)


def logged_in_user_id(client: Client) -> str | None:
    return client.session.get(SESSION_KEY)


# --- Sign-up and email verification -----------------------------------------------------------


def test_signup_creates_user_account_and_unverified_email_and_sends_the_link(client):
    # When someone signs up
    response = client.post("/accounts/signup/", signup_data())

    # Then they are asked to check their email
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    # And the member, their public Account and an unconfirmed address exist
    user = User.objects.get(username="carla")
    assert user.check_password(NEW_PASSWORD)
    assert Account.objects.get(user=user).username == "carla"
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("carla@example.org", False, True)
    # And one email carries the confirmation link
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["carla@example.org"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    # And they are not logged in yet
    assert logged_in_user_id(client) is None


def test_confirming_the_emailed_link_verifies_and_logs_in(client):
    # Given a fresh sign-up
    client.post("/accounts/signup/", signup_data())
    link = emailed_link(mail.outbox[0])

    # When the link is opened and confirmed
    page = client.get(link)
    assert page.status_code == 200
    assert "carla@example.org" in page.content.decode()
    response = client.post(link)

    # Then the address is confirmed and the member is logged in
    assert response.status_code == 302
    user = User.objects.get(username="carla")
    assert EmailAddress.objects.get(user=user).verified is True
    assert logged_in_user_id(client) == str(user.pk)


def test_an_invalid_confirmation_link_explains_itself(client):
    response = client.get("/accounts/confirm-email/not-a-real-key/")
    assert response.status_code == 200
    assert "expired or isn’t valid" in response.content.decode()


def test_unconfirmed_member_cannot_log_in_until_confirming(client):
    # Given a sign-up whose email is not confirmed
    client.post("/accounts/signup/", signup_data())
    client.logout()

    # When they try to log in
    response = log_in(Client(), "carla", NEW_PASSWORD)

    # Then they are sent to check their email instead
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"


def test_signup_without_accepting_terms_is_refused(client):
    response = client.post("/accounts/signup/", signup_data(accept_terms=""))
    assert response.status_code == 200
    assert "You need to accept the terms to join." in response.content.decode()
    assert not User.objects.filter(username="carla").exists()
    assert mail.outbox == []


# --- Logging in and out -----------------------------------------------------------------------


@pytest.mark.parametrize("login", ["ana", "ANA", "ana@example.org"])
def test_log_in_by_username_or_email(client, user, login):
    response = log_in(client, login, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in_user_id(client) == str(user.pk)


def test_wrong_password_is_refused_with_a_message(client, user):
    response = log_in(client, "ana", "not-the-password")
    assert response.status_code == 200
    assert "username and/or password you specified are not correct" in response.content.decode()
    assert logged_in_user_id(client) is None


def test_log_out(client, user):
    # Given a logged-in member
    log_in(client, "ana", PASSWORD)
    # When they confirm logging out
    assert client.get("/accounts/logout/").status_code == 200
    response = client.post("/accounts/logout/")
    # Then the session no longer holds them
    assert response.status_code == 302
    assert logged_in_user_id(client) is None


# --- Passwords --------------------------------------------------------------------------------


def test_password_reset_by_emailed_link(client, user):
    # When a reset is requested
    response = client.post("/accounts/password/reset/", {"email": "ana@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    link = emailed_link(mail.outbox[0])

    # And the link is followed and a new password chosen
    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert "Choose a new password" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    # Then the password is changed and the old one no longer works
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert log_in(Client(), "ana", PASSWORD).status_code == 200
    assert log_in(Client(), "ana", NEW_PASSWORD).status_code == 302


def test_a_used_reset_link_says_it_expired(client, user):
    client.post("/accounts/password/reset/", {"email": "ana@example.org"})
    link = emailed_link(mail.outbox[0])
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    response = Client().get(link, follow=True)
    assert response.status_code == 200
    assert "This link has expired" in response.content.decode()


def test_password_change(client, user):
    # Given a logged-in member
    log_in(client, "ana", PASSWORD)
    # When they change their password
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    # Then it is changed and they stay logged in
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert logged_in_user_id(client) == str(user.pk)


def test_password_change_with_wrong_current_password_shows_the_error(client, user):
    log_in(client, "ana", PASSWORD)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "field--error" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# --- Two-factor authentication ----------------------------------------------------------------


def test_totp_code_helper_matches_rfc_6238_test_vector():
    # RFC 6238 appendix B, SHA-1, T=59: 94287082 (eight digits) ends in the six we produce.
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of "12345678901234567890"
    assert totp_code(secret, at=59) == "287082"


def test_activating_totp_then_logging_in_asks_for_and_accepts_the_code(client, user):
    # Given a member who turns on the authenticator app
    log_in(client, "ana", PASSWORD)
    secret = activate_totp(client, PASSWORD)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    # And recovery codes were made along with it
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()

    # When they log in again elsewhere
    other = Client()
    response = log_in(other, "ana", PASSWORD)

    # Then the password alone is not enough: the code is asked for
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert logged_in_user_id(other) is None
    page = other.get("/accounts/2fa/authenticate/")
    assert "Enter your code" in page.content.decode()

    # And a wrong code is refused next to the field
    response = other.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert "field--error" in response.content.decode()
    assert logged_in_user_id(other) is None

    # And the right code logs them in
    response = other.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert logged_in_user_id(other) == str(user.pk)


def test_a_code_from_the_window_just_gone_is_accepted_once(client, user):
    # Given a member with the authenticator app on
    log_in(client, "ana", PASSWORD)
    secret = activate_totp(client, PASSWORD)
    other = Client()
    log_in(other, "ana", PASSWORD)
    # When they type the code their phone showed just before it turned over
    late = totp_code(secret, at=time.time() - 30)
    response = other.post("/accounts/2fa/authenticate/", {"code": late})
    # Then it logs them in, but a code two windows old does not, nor the same code again
    assert response.status_code == 302
    assert logged_in_user_id(other) == str(user.pk)
    third = Client()
    log_in(third, "ana", PASSWORD)
    stale = totp_code(secret, at=time.time() - 90)
    assert third.post("/accounts/2fa/authenticate/", {"code": stale}).status_code == 200
    assert third.post("/accounts/2fa/authenticate/", {"code": late}).status_code == 200
    assert logged_in_user_id(third) is None


def test_a_recovery_code_logs_in_instead_of_the_app_code(client, user):
    # Given two-factor authentication with recovery codes
    log_in(client, "ana", PASSWORD)
    activate_totp(client, PASSWORD)
    codes = (
        Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
        .wrap()
        .get_unused_codes()
    )

    # When one is used at login
    other = Client()
    log_in(other, "ana", PASSWORD)
    response = other.post("/accounts/2fa/authenticate/", {"code": codes[0]})

    # Then it works once
    assert response.status_code == 302
    assert logged_in_user_id(other) == str(user.pk)


def test_recovery_codes_are_listed_and_downloadable(client, user):
    # Given two-factor authentication is on
    log_in(client, "ana", PASSWORD)
    activate_totp(client, PASSWORD)
    codes = (
        Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
        .wrap()
        .get_unused_codes()
    )

    # When the member views their codes
    response = client.get("/accounts/2fa/recovery-codes/")

    # Then every unused code is shown
    assert response.status_code == 200
    body = response.content.decode()
    assert all(code in body for code in codes)
    # And they can be downloaded as a text file
    download = client.get("/accounts/2fa/recovery-codes/download/")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/plain")
    assert codes[0] in download.content.decode()


def test_generating_new_recovery_codes_replaces_the_old_ones(client, user):
    log_in(client, "ana", PASSWORD)
    activate_totp(client, PASSWORD)
    old = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    old_codes = old.wrap().get_unused_codes()

    response = client.post("/accounts/2fa/recovery-codes/generate/")

    assert response.status_code == 302
    new_codes = (
        Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
        .wrap()
        .get_unused_codes()
    )
    assert set(new_codes).isdisjoint(old_codes)


def test_wrong_activation_code_is_refused_next_to_the_field(client, user):
    log_in(client, "ana", PASSWORD)
    client.get("/accounts/2fa/totp/activate/")
    confirm_access(client, PASSWORD)
    client.get("/accounts/2fa/totp/activate/")

    response = client.post("/accounts/2fa/totp/activate/", {"code": "12"})

    assert response.status_code == 200
    assert "field--error" in response.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()


def test_deactivating_totp(client, user):
    log_in(client, "ana", PASSWORD)
    activate_totp(client, PASSWORD)

    assert client.get("/accounts/2fa/totp/deactivate/").status_code == 200
    response = client.post("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    # And the password alone logs in again
    assert log_in(Client(), "ana", PASSWORD)["Location"] == "/"


# --- Sessions ---------------------------------------------------------------------------------


def test_sessions_list_shows_the_current_session(user):
    # Given the member is logged in from two browsers
    first, second = Client(HTTP_USER_AGENT="FirstBrowser/1.0"), Client(HTTP_USER_AGENT="Other/2")
    log_in(first, "ana", PASSWORD)
    log_in(second, "ana", PASSWORD)
    assert UserSession.objects.filter(user=user).count() == 2

    # When one looks at the sessions list
    response = first.get("/accounts/sessions/")

    # Then both are listed and the current one is marked
    assert response.status_code == 200
    body = response.content.decode()
    assert "FirstBrowser/1.0" in body
    assert "Other/2" in body
    assert body.count("This device") == 1
    assert "Log out all other sessions" in body

    # And logging out the others ends the second browser's session
    first.post("/accounts/sessions/")
    assert UserSession.objects.filter(user=user).count() == 1
    assert logged_in_user_id(second) is None or second.get("/settings/").status_code == 302
