"""Writes for OAuth: registering an app, and a member revoking an app's access."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken

from hearth.accounts.models import User
from hearth.api.models import ClientApplication
from hearth.api.oauth.scopes import known_scopes

OOB = "urn:ietf:wg:oauth:2.0:oob"
#: Schemes that would run code or read files if a browser followed them.
FORBIDDEN_SCHEMES = frozenset({"javascript", "data", "vbscript", "file", "blob"})
MAX_NAME_LENGTH = 100
MAX_REDIRECT_URIS = 10


@dataclass(frozen=True)
class RegisteredApp:
    application: Application
    details: ClientApplication
    #: Shown once, at registration; only a hash is stored.
    client_secret: str


def _redirect_uri_problem(uri: str) -> str | None:
    if uri == OOB:
        return None
    parts = urlsplit(uri)
    if not parts.scheme or any(char.isspace() for char in uri):
        return f"“{uri}” is not an absolute URI."
    if parts.scheme.lower() in FORBIDDEN_SCHEMES:
        return f"“{parts.scheme}:” redirect URIs are not allowed."
    if "#" in uri:
        return "Redirect URIs cannot contain a fragment (#)."
    if parts.scheme.lower() in ("http", "https") and not parts.netloc:
        return f"“{uri}” has no host."
    return None


def _check(*, name: str, redirect_uris: Sequence[str], scopes: Sequence[str], website: str) -> None:
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["client_name"] = ["Give the app a name."]
    elif len(name) > MAX_NAME_LENGTH:
        errors["client_name"] = [f"App names are at most {MAX_NAME_LENGTH} characters."]
    if not redirect_uris:
        errors["redirect_uris"] = ["Give at least one redirect URI (or " + OOB + ")."]
    elif len(redirect_uris) > MAX_REDIRECT_URIS:
        errors["redirect_uris"] = [f"Register at most {MAX_REDIRECT_URIS} redirect URIs."]
    else:
        problems = [p for p in map(_redirect_uri_problem, redirect_uris) if p]
        if problems:
            errors["redirect_uris"] = problems
    unknown = [scope for scope in scopes if scope not in known_scopes()]
    if unknown:
        errors["scopes"] = [f"Unknown scope: {', '.join(unknown)}."]
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            errors["website"] = ["The website must be an http:// or https:// address."]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def app_create(
    *, name: str, redirect_uris: Sequence[str], scopes: Sequence[str], website: str = ""
) -> RegisteredApp:
    """Register a client app (POST /api/v1/apps). Raises ValidationError keyed by field."""
    _check(name=name, redirect_uris=redirect_uris, scopes=scopes, website=website)
    # URL-safe, so it survives form bodies and Basic auth unescaped.
    secret = secrets.token_urlsafe(32)
    application = Application.objects.create(
        name=name.strip(),
        redirect_uris=" ".join(redirect_uris),
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        client_secret=secret,
        skip_authorization=False,
    )
    details = ClientApplication.objects.create(
        application=application, website=website, scopes=" ".join(scopes)
    )
    return RegisteredApp(application=application, details=details, client_secret=secret)


@transaction.atomic
def authorization_revoke(*, user: User, application: Application) -> int:
    """Take away every token and pending code `application` holds for `user`. Apps using them
    get 401 from then on. Returns how many access tokens were revoked."""
    RefreshToken.objects.filter(user=user, application=application).delete()
    Grant.objects.filter(user=user, application=application).delete()
    tokens = AccessToken.objects.filter(user=user, application=application)
    count: int = tokens.count()
    tokens.delete()
    return count
