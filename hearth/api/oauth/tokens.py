"""Issuing a token outside an OAuth grant: after registering through the API."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, set_token_value
from oauth2_provider.settings import oauth2_settings

from hearth.accounts.models import User


@dataclass(frozen=True)
class IssuedToken:
    token: AccessToken
    #: The bearer token itself; only its checksum is stored.
    raw: str


@transaction.atomic
def access_token_issue(*, user: User | None, application: Application, scope: str) -> IssuedToken:
    raw = secrets.token_urlsafe(32)
    lifetime = timedelta(seconds=int(oauth2_settings.ACCESS_TOKEN_EXPIRE_SECONDS))
    access = AccessToken(
        user=user, application=application, scope=scope, expires=timezone.now() + lifetime
    )
    # The toolkit's own helper: keeps the checksum and, with hashed storage, not the token.
    set_token_value(access, raw)
    access.save()
    return IssuedToken(token=access, raw=raw)
