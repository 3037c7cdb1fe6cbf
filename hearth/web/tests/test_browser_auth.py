"""The account flows in a real browser: Chromium driven by Playwright against a live server.

A failing test leaves a full-page screenshot in test-artifacts/ (gitignored) to look at.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core import mail

from hearth.accounts.tests.authflows import totp_code
from hearth.testing.fixtures import PASSWORD, make_user

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
NEW_PASSWORD = "a-brand-new-passphrase-77"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@contextmanager
def screenshot_on_failure(page, name: str) -> Iterator[None]:  # type: ignore[no-untyped-def]
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        raise


def last_link(path_prefix: str) -> str:
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}[^\s]+)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def log_in(page, login: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill(login)
    page.get_by_label("Password", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Log in").click()


def log_out(page) -> None:  # type: ignore[no-untyped-def]
    page.locator(".site-header").get_by_role("button", name="Log out").click()
    page.wait_for_url("**/")
    assert page.locator(".site-header").get_by_role("link", name="Log in").is_visible()


def test_sign_up_confirm_edit_profile_and_log_out(page):
    with screenshot_on_failure(page, "signup-flow"):
        # Given a visitor who fills in the sign-up form
        page.goto("/accounts/signup/")
        page.get_by_label("Username").fill("carla")
        page.get_by_label("Email").fill("carla@example.org")
        page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
        page.get_by_label("Password (again)").fill(NEW_PASSWORD)
        page.get_by_label("I have read and accept").check()
        page.get_by_role("button", name="Create account").click()

        # Then they are asked to check their email, which holds the link
        page.get_by_role("heading", name="Check your email").wait_for()
        assert len(mail.outbox) == 1

        # When they open the link and confirm
        page.goto(last_link("/accounts/confirm-email/"))
        page.get_by_role("button", name="Confirm my email").click()

        # Then they are logged in
        page.wait_for_url("**/")
        assert page.locator(".site-header").get_by_role("button", name="Log out").is_visible()

        # When they edit their profile
        page.goto("/settings/profile")
        page.get_by_label("Display name").fill("Carla Reyes")
        page.get_by_label("Bio").fill("Gardener, baker, bad at chess.")
        page.get_by_role("button", name="Save profile").click()
        page.wait_for_url("**/settings/profile")

        # Then their public profile shows it
        page.goto("/@carla")
        assert page.get_by_role("heading", name="Carla Reyes").is_visible()
        assert page.get_by_text("Gardener, baker, bad at chess.").is_visible()

        # And they can log out
        log_out(page)


def test_password_reset_by_emailed_link_then_log_in(page):
    make_user("ana", email="ana@example.org")
    with screenshot_on_failure(page, "password-reset"):
        # Given a member who forgot their password
        page.goto("/accounts/login/")
        page.get_by_role("link", name="Forgot your password?").click()
        page.get_by_label("Email").fill("ana@example.org")
        page.get_by_role("button", name="Send me a reset link").click()
        page.get_by_role("heading", name="Check your email").wait_for()

        # When they follow the emailed link and choose a new password
        page.goto(last_link("/accounts/password/reset/key/"))
        page.get_by_role("heading", name="Choose a new password").wait_for()
        page.locator("input[name=password1]").fill(NEW_PASSWORD)
        page.locator("input[name=password2]").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Save new password").click()
        page.get_by_role("heading", name="Password changed").wait_for()

        # Then the new password logs them in
        log_in(page, "ana", NEW_PASSWORD)
        page.wait_for_url("**/")
        assert page.get_by_text("You’re logged in as ana.").is_visible()


def test_enable_totp_then_log_in_with_a_code(page):
    make_user("ana", email="ana@example.org")
    with screenshot_on_failure(page, "totp"):
        # Given a logged-in member who sets up an authenticator app
        log_in(page, "ana", PASSWORD)
        page.wait_for_url("**/")
        page.goto("/accounts/2fa/")
        page.get_by_role("link", name="Set up authenticator app").click()
        # (allauth asks for the password again before a security change)
        page.get_by_role("heading", name="Confirm it’s you").wait_for()
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("heading", name="Set up authenticator app").wait_for()
        qr_code = page.get_by_role("img", name="QR code to scan with your authenticator app")
        assert qr_code.is_visible()
        secret = page.locator("#authenticator_secret").input_value()
        page.get_by_label("Six-digit code").fill(totp_code(secret))
        page.get_by_role("button", name="Turn on two-factor authentication").click()

        # Then the recovery codes are shown
        page.get_by_role("heading", name="Recovery codes").wait_for()
        assert page.locator(".recovery-codes li").count() > 0

        # When they log out and in again
        log_out(page)
        log_in(page, "ana", PASSWORD)

        # Then the code is asked for, and accepted
        page.get_by_role("heading", name="Enter your code").wait_for()
        page.get_by_label("Code").fill(totp_code(secret))
        page.locator("main").get_by_role("button", name="Log in").click()
        page.wait_for_url("**/")
        assert page.locator(".site-header").get_by_role("button", name="Log out").is_visible()
