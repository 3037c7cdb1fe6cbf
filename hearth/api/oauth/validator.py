"""django-oauth-toolkit's request validator, adjusted to how Mastodon apps log in.

- One registered app may use every grant Mastodon offers (authorization code, refresh token,
  client credentials, and the password grant while HEARTH_OAUTH_PASSWORD_GRANT is on), where
  the toolkit allows one grant type per application.
- A token is never granted a scope the app did not register (`ClientApplication.scopes`).
- The password grant takes a username or an email address, and refuses members who could not
  log in on the website either (suspended, leaving, or with an unconfirmed email when
  confirmation is mandatory).
"""

from typing import Any

from django.conf import settings
from oauth2_provider.models import Application
from oauth2_provider.oauth2_validators import OAuth2Validator

from hearth.accounts.models import User
from hearth.api.models import ClientApplication
from hearth.api.oauth.scopes import covered, known_scopes
from hearth.core import ratelimit

AUTHORIZATION_CODE_GRANTS = ("authorization_code", "refresh_token", "client_credentials")


def registered_scopes(client: Application | None) -> list[str]:
    if client is None:
        return []
    found = ClientApplication.objects.filter(application=client).first()
    return found.scope_list if found is not None else ["read"]


class HearthOAuth2Validator(OAuth2Validator):  # type: ignore[misc]  # the toolkit ships no types
    def validate_grant_type(
        self,
        client_id: str,
        grant_type: str,
        client: Application,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        if grant_type == "password":
            return bool(settings.HEARTH_OAUTH_PASSWORD_GRANT)
        return grant_type in AUTHORIZATION_CODE_GRANTS

    def validate_response_type(
        self,
        client_id: str,
        response_type: str,
        client: Application,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        return response_type == "code"

    def validate_scopes(
        self,
        client_id: str,
        scopes: list[str],
        client: Application,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        if not set(scopes) <= known_scopes():
            return False
        return covered(scopes, by=registered_scopes(client))

    def get_default_scopes(self, client_id: str, request: Any, *args: Any, **kwargs: Any) -> Any:
        return ["read"]

    def validate_user(
        self,
        username: str,
        password: str,
        client: Application,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        # The website's lock-out applies here too (hearth.core.ratelimit): the password grant
        # must not be the way around it. A lock-out is answered 429 by the web middleware.
        ip = ratelimit.client_ip(self.build_http_request(request))
        ratelimit.login_check(ip=ip, login=username)
        if not super().validate_user(username, password, client, request, *args, **kwargs):
            ratelimit.login_failure(ip=ip, login=username)
            return False
        ratelimit.login_success(ip=ip, login=username)
        user: User = request.user
        return user.is_active and user.deletion_scheduled_at is None and _email_ok(user)


def _email_ok(user: User) -> bool:
    if settings.ACCOUNT_EMAIL_VERIFICATION != "mandatory":
        return True
    from allauth.account.models import EmailAddress

    return bool(EmailAddress.objects.filter(user=user, verified=True).exists())
