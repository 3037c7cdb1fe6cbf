"""POST /api/v1/accounts under each sign-up mode, the instance's `registrations` fields, and the
API's 429 (JSON with Retry-After and X-RateLimit-*) for posting."""

from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone

from hearth.accounts import signups
from hearth.accounts.models import Invite, SignupApplication, User
from hearth.api.oauth.services import RegisteredApp
from hearth.api.tests.conftest import bearer

pytestmark = pytest.mark.django_db


def register(client: Client, app: RegisteredApp, **extra: str) -> Any:
    body = {
        "username": "dora",
        "email": "dora@example.org",
        "password": "a-long-pass-phrase",
        "agreement": "1",
        **extra,
    }
    return client.post(
        "/api/v1/accounts",
        body,
        content_type="application/json",
        headers=bearer(None, app, scope="read write"),
    )


def test_open(client: Client, registered_app: RegisteredApp, check: Any) -> None:
    response = register(client, registered_app)
    assert response.status_code == 200
    check("Token", response.json())
    assert User.objects.get(username="dora").is_active
    instance = client.get("/api/v2/instance").json()["registrations"]
    assert (instance["enabled"], instance["approval_required"]) == (True, False)


def test_approval_needs_a_reason_then_waits_for_an_admin(
    client: Client, registered_app: RegisteredApp, admin_user: User, check: Any
) -> None:
    signups.signup_settings_update(mode="approval")
    # Without a reason: 422 naming it
    missing = register(client, registered_app)
    assert missing.status_code == 422
    check("ValidationError", missing.json())
    assert "reason" in missing.json()["details"]
    # With one: a token, but the member waits
    response = register(client, registered_app, reason="I run the local bakery")
    assert response.status_code == 200
    user = User.objects.get(username="dora")
    assert not user.is_active
    application = SignupApplication.objects.get(user=user)
    assert application.reason == "I run the local bakery"
    token = {"Authorization": f"Bearer {response.json()['access_token']}"}
    assert client.get("/api/v1/accounts/verify_credentials", headers=token).status_code == 401
    # Once approved the token works (email confirmation aside)
    signups.application_approve(application=application, by=admin_user)
    EmailAddress.objects.filter(user=user).update(verified=True)
    assert client.get("/api/v1/accounts/verify_credentials", headers=token).status_code == 200
    v1 = client.get("/api/v1/instance").json()
    assert (v1["registrations"], v1["approval_required"]) == (True, True)


def test_invite_only(client: Client, registered_app: RegisteredApp, user: User, check: Any) -> None:
    signups.signup_settings_update(mode="invite", closed_message="Ask us on the forum.")
    expired = Invite.objects.create(created_by=user, expires_at=timezone.now() - timedelta(1))
    used_up = Invite.objects.create(created_by=user, max_uses=1, uses=1)
    valid = Invite.objects.create(created_by=user, max_uses=1)
    for code, message in [
        (None, signups.INVITE_MISSING),
        ("no-such-code", signups.INVITE_UNKNOWN),
        (expired.code, signups.INVITE_EXPIRED),
        (used_up.code, signups.INVITE_USED_UP),
    ]:
        response = register(client, registered_app, **({"invite_code": code} if code else {}))
        assert response.status_code == 422, code
        check("ValidationError", response.json())
        assert response.json()["details"]["invite_code"][0]["description"] == message
    response = register(client, registered_app, invite_code=valid.code)
    assert response.status_code == 200
    assert User.objects.get(username="dora").is_active
    valid.refresh_from_db()
    assert valid.uses == 1
    instance = client.get("/api/v2/instance").json()["registrations"]
    assert (instance["enabled"], instance["message"]) == (False, "Ask us on the forum.")
    assert client.get("/api/v1/instance").json()["invites_enabled"] is True


def test_closed(client: Client, registered_app: RegisteredApp, check: Any) -> None:
    signups.signup_settings_update(mode="closed")
    response = register(client, registered_app)
    assert response.status_code == 403
    check("Error", response.json())
    assert not User.objects.filter(username="dora").exists()
    assert client.get("/api/v1/instance").json()["invites_enabled"] is False


@pytest.mark.parametrize("email", ["dora@spam.example", "dora@mail.SPAM.example"])
def test_blocked_email_domain(
    client: Client, registered_app: RegisteredApp, check: Any, email: str
) -> None:
    signups.email_domain_block(domain="spam.example")
    response = register(client, registered_app, email=email)
    assert response.status_code == 422
    assert response.json()["details"]["email"][0]["description"] == signups.BLOCKED_DOMAIN_MESSAGE
    assert not User.objects.filter(username="dora").exists()


def test_registration_limit_per_address(
    client: Client, registered_app: RegisteredApp, rate_limits: Any, check: Any
) -> None:
    rate_limits.HEARTH_RATE_LIMITS = {"signup": {"ip": "1/h"}}
    assert register(client, registered_app).status_code == 200
    refused = register(client, registered_app, username="eve", email="eve@example.org")
    assert refused.status_code == 429
    check("Error", refused.json())
    assert int(refused["Retry-After"]) > 0


def test_posting_limit_answers_429_json_with_rate_headers(
    client: Client, ana: dict[str, str], rate_limits: Any, check: Any
) -> None:
    rate_limits.HEARTH_RATE_LIMITS = {"post": {"new_account": "2/h"}}
    for number in range(2):
        response = client.post("/api/v1/statuses", {"status": f"hello {number}"}, headers=ana)
        assert response.status_code == 200, response.content
    refused = client.post("/api/v1/statuses", {"status": "one more"}, headers=ana)
    assert refused.status_code == 429
    check("Error", refused.json())
    assert "try again" in refused.json()["error"]
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert refused["X-RateLimit-Limit"] == "2"
    assert refused["X-RateLimit-Remaining"] == "0"
    reset = refused["X-RateLimit-Reset"]
    assert reset.startswith(str(timezone.now().year))


def test_following_limit(
    client: Client, ana: dict[str, str], other_user: User, rate_limits: Any
) -> None:
    rate_limits.HEARTH_RATE_LIMITS = {"follow": {"new_account": "1/d"}}
    target = other_user.account.pk
    assert client.post(f"/api/v1/accounts/{target}/follow", headers=ana).status_code == 200
    refused = client.post(f"/api/v1/accounts/{target}/follow", headers=ana)
    assert refused.status_code == 429
    assert refused.has_header("X-RateLimit-Reset")


def test_password_grant_shares_the_login_lock_out(
    client: Client, user: User, registered_app: RegisteredApp, rate_limits: Any
) -> None:
    def grant(password: str) -> Any:
        return client.post(
            "/oauth/token",
            {
                "grant_type": "password",
                "username": "ana",
                "password": password,
                "client_id": registered_app.application.client_id,
                "client_secret": registered_app.client_secret,
                "scope": "read",
            },
        )

    for _ in range(5):
        assert grant("wrong-password").status_code in (400, 401)
    refused = grant("correct-horse-battery-staple")
    assert refused.status_code == 429
    assert "error" in refused.json()
    assert int(refused["Retry-After"]) > 0
