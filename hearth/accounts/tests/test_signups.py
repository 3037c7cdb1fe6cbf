"""Sign-up control through the web: each mode, invites, the approval queue and blocked email
domains, via allauth's real sign-up page and Hearth's pages."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from hearth.accounts import signups
from hearth.accounts.models import ApplicationState, Invite, SignupApplication, User
from hearth.accounts.tests.authflows import log_in

pytestmark = pytest.mark.django_db

PASSPHRASE = "a-brand-new-passphrase-77"


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "username": "carla",
        "email": "carla@example.org",
        "password1": PASSPHRASE,
        "password2": PASSPHRASE,
        "accept_terms": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _no_email_confirmation(settings: Any) -> None:
    # Confirmation is tested in test_auth; here it would only add a step before each login.
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"


def test_open_mode_signs_up_directly(client: Client) -> None:
    assert "Why do you want to join" not in client.get("/accounts/signup/").content.decode()
    assert client.post("/accounts/signup/", signup_data()).status_code == 302
    assert User.objects.get(username="carla").is_active


def test_approval_mode_application_approve_then_log_in(
    client: Client, admin_user: User, django_capture_on_commit_callbacks: Any
) -> None:
    signups.signup_settings_update(mode="approval")
    # The sign-up page asks why, and the answer is required (error next to the field)
    page = client.get("/accounts/signup/").content.decode()
    assert "Why do you want to join?" in page
    missing = client.post("/accounts/signup/", signup_data())
    assert missing.status_code == 200
    assert "Tell the admins why you want to join." in missing.content.decode()
    # Applying shows that the application waits
    applied = client.post("/accounts/signup/", signup_data(reason="I bake bread nearby."))
    assert applied.status_code == 200
    assert "your application is in" in applied.content.decode()
    application = SignupApplication.objects.get(username="carla")
    assert application.state == ApplicationState.PENDING
    # Logging in meanwhile says the same (only with the right password)
    assert "your application is in" in log_in(client, "carla", PASSPHRASE).content.decode()
    wrong = log_in(client, "carla", "not-it").content.decode()
    assert "your application is in" not in wrong
    # The profile is not shown while pending
    assert client.get("/@carla").status_code == 404
    # An admin sees it in the queue and approves it; the applicant is emailed
    admin = Client()
    admin.force_login(admin_user)
    queue = admin.get("/settings/signups").content.decode()
    assert "I bake bread nearby." in queue
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/settings/signups/{application.pk}/approve")
    assert response.status_code == 302
    assert mail.outbox[0].to == ["carla@example.org"]
    assert "approved" in mail.outbox[0].subject
    # And now carla can log in
    assert log_in(client, "carla", PASSPHRASE).status_code == 302


def test_admins_are_emailed_about_a_new_application_once_per_interval(
    client: Client, admin_user: User, django_capture_on_commit_callbacks: Any
) -> None:
    # Given approval mode, an admin with an address, a plain member, an inactive admin
    from django.core.cache import cache

    cache.delete("signups:admins-told")
    signups.signup_settings_update(mode="approval")
    User.objects.create_user(username="plain", email="plain@example.org", password=PASSPHRASE)
    inactive = User.objects.create_user(username="gone", email="gone@example.org", is_staff=True)
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    mail.outbox.clear()
    # When someone applies
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", signup_data(reason="I bake bread nearby."))
    # Then the active admins (only they) get one email, with the reason and the queue's address
    assert [message.to for message in mail.outbox] == [[admin_user.email]]
    sent = mail.outbox[0]
    assert "@carla applied to join" in sent.subject
    assert "I bake bread nearby." in sent.body
    assert "/settings/signups" in sent.body
    assert "Applications waiting, this one included: 1." in sent.body
    # And a second application within the interval sends nothing more (the queue lists both)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            "/accounts/signup/",
            signup_data(username="dario", email="dario@example.org", reason="Neighbour."),
        )
    assert SignupApplication.objects.count() == 2
    assert len(mail.outbox) == 1
    # Once the interval has passed, the next application is told, counting all that wait
    cache.delete("signups:admins-told")
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            "/accounts/signup/",
            signup_data(username="edda", email="edda@example.org", reason="x" * 400),
        )
    assert len(mail.outbox) == 2
    assert "Applications waiting, this one included: 3." in mail.outbox[1].body
    assert "x" * 300 + "…" in mail.outbox[1].body


def test_rejection_emails_and_frees_the_name(
    client: Client, admin_user: User, django_capture_on_commit_callbacks: Any
) -> None:
    signups.signup_settings_update(mode="approval")
    client.post("/accounts/signup/", signup_data(reason="Spam, spam, spam."))
    application = SignupApplication.objects.get(username="carla")
    admin = Client()
    admin.force_login(admin_user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/settings/signups/{application.pk}/reject")
    application.refresh_from_db()
    assert application.state == ApplicationState.REJECTED
    assert not User.objects.filter(username="carla").exists()
    assert "not accepted" in mail.outbox[0].subject


def test_members_cannot_reach_the_sign_up_settings(client_with_user: Client) -> None:
    assert client_with_user.get("/settings/signups").status_code == 403
    assert client_with_user.post("/settings/signups", {"mode": "open"}).status_code == 403
    assert client_with_user.post("/settings/signups/1/approve").status_code == 403


def test_admins_change_the_mode(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    response = client.post(
        "/settings/signups",
        {"mode": "closed", "invites_by": "admins", "closed_message": "Back in spring."},
    )
    assert response.status_code == 302
    assert signups.signup_settings().mode == "closed"


def test_closed_mode_shows_a_clear_page(client: Client) -> None:
    signups.signup_settings_update(mode="closed", closed_message="We reopen in spring.")
    page = client.get("/accounts/signup/")
    assert "Sign-ups are closed" in page.content.decode()
    assert "We reopen in spring." in page.content.decode()
    client.post("/accounts/signup/", signup_data())
    assert not User.objects.filter(username="carla").exists()


def test_invite_only_with_a_valid_invite(client: Client, user: User) -> None:
    signups.signup_settings_update(mode="invite")
    # Without an invite: the page explains
    assert "Joining is by invitation" in client.get("/accounts/signup/").content.decode()
    client.post("/accounts/signup/", signup_data())
    assert not User.objects.filter(username="carla").exists()
    # With one: the link leads to sign-up, which works and counts the use
    invite = signups.invite_create(created_by=user, expires_in=timedelta(days=1), max_uses=1)
    response = client.get(f"/invite/{invite.code}")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/"
    assert "invite from @ana" in client.get("/accounts/signup/").content.decode()
    assert client.post("/accounts/signup/", signup_data()).status_code == 302
    assert User.objects.get(username="carla").is_active
    invite.refresh_from_db()
    assert invite.uses == 1
    # And it is used up now
    used_up = Client().get(f"/invite/{invite.code}")
    assert used_up.status_code == 410
    assert signups.INVITE_USED_UP in used_up.content.decode()


def test_invite_skips_approval(client: Client, user: User) -> None:
    signups.signup_settings_update(mode="approval")
    invite = signups.invite_create(created_by=user, expires_in=None, max_uses=None)
    client.get(f"/invite/{invite.code}")
    assert "Why do you want to join" not in client.get("/accounts/signup/").content.decode()
    assert client.post("/accounts/signup/", signup_data()).status_code == 302
    assert User.objects.get(username="carla").is_active


@pytest.mark.parametrize(
    ("make", "status", "message"),
    [
        (lambda user: Invite(code="unknown"), 404, signups.INVITE_UNKNOWN),
        (
            lambda user: Invite.objects.create(
                created_by=user, expires_at=timezone.now() - timedelta(minutes=1)
            ),
            410,
            signups.INVITE_EXPIRED,
        ),
        (
            lambda user: Invite.objects.create(created_by=user, max_uses=2, uses=2),
            410,
            signups.INVITE_USED_UP,
        ),
    ],
)
def test_unusable_invites_say_why(
    client: Client, user: User, make: Any, status: int, message: str
) -> None:
    signups.signup_settings_update(mode="invite")
    invite = make(user)
    response = client.get(f"/invite/{invite.code}")
    assert response.status_code == status
    assert message in response.content.decode()
    client.post("/accounts/signup/", signup_data())
    assert not User.objects.filter(username="carla").exists()


def test_invite_used_up_between_link_and_form(client: Client, user: User) -> None:
    signups.signup_settings_update(mode="invite")
    invite = signups.invite_create(created_by=user, expires_in=None, max_uses=1)
    client.get(f"/invite/{invite.code}")
    Invite.objects.filter(pk=invite.pk).update(uses=1)  # someone else used it meanwhile
    client.post("/accounts/signup/", signup_data())
    assert not User.objects.filter(username="carla").exists()


def test_invites_page_creates_and_withdraws(client_with_user: Client, user: User) -> None:
    page = client_with_user.get("/invites")
    assert page.status_code == 200
    assert "No invites yet" in page.content.decode()
    created = client_with_user.post("/invites", {"expires_in": "1d", "max_uses": "5"}, follow=True)
    invite = Invite.objects.get(created_by=user)
    assert invite.max_uses == 5
    assert invite.expires_at is not None
    assert f"/invite/{invite.code}" in created.content.decode()
    client_with_user.post(f"/invites/{invite.code}/revoke")
    invite.refresh_from_db()
    assert invite.revoked_at is not None
    assert Client().get(f"/invite/{invite.code}").status_code == 410


def test_invites_by_admins_only(client_with_user: Client, user: User) -> None:
    signups.signup_settings_update(mode="invite", invites_by="admins")
    page = client_with_user.get("/invites").content.decode()
    assert "only admins can create invites" in page
    assert client_with_user.post("/invites", {"expires_in": "1d"}).status_code == 403
    assert not Invite.objects.exists()


@pytest.mark.parametrize("email", ["carla@spam.example", "carla@eu.mail.Spam.Example"])
def test_blocked_email_domain_error_next_to_the_field(client: Client, email: str) -> None:
    signups.email_domain_block(domain="spam.example", note="bulk sign-ups")
    response = client.post("/accounts/signup/", signup_data(email=email))
    assert response.status_code == 200
    page = response.content.decode()
    field = re.search(r'<div class="field[^"]*field--error[^"]*">(.*?)</div>', page, re.S)
    assert field is not None
    assert 'name="email"' in field.group(1)
    assert signups.BLOCKED_DOMAIN_MESSAGE in field.group(1)
    assert not User.objects.filter(username="carla").exists()
    # A domain that merely ends the same way is not blocked
    assert (
        client.post("/accounts/signup/", signup_data(email="carla@notspam.example")).status_code
        == 302
    )


def test_sign_up_limit_per_address(client: Client, rate_limits: Any) -> None:
    rate_limits.HEARTH_RATE_LIMITS = {"signup": {"ip": "1/h"}}
    assert client.post("/accounts/signup/", signup_data()).status_code == 302
    other = Client()
    refused = other.post("/accounts/signup/", signup_data(username="dan", email="dan@example.org"))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert not User.objects.filter(username="dan").exists()
