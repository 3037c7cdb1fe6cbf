"""Who is calling: bearer tokens from django-oauth-toolkit, and Mastodon's scope rules.

An endpoint declares what it needs with `auth=`:

    @router.get("/verify_credentials", auth=token("read:accounts", "profile"))
    @router.get("/{id}", auth=token_optional("read:accounts"))   # anonymous callers welcome
    @router.get("/verify_credentials", auth=app_token("read"))   # a client_credentials token

and reads the caller with `caller(request)`, `viewer(request)` (Account or None) or
`me(request)` (the Account, for endpoints that need a user). Scopes are alternatives: the token
needs one of them. A top scope covers its granular ones (`read` covers `read:statuses`), and
`follow` covers what Mastodon lets it: follows, blocks and mutes.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.http import HttpRequest
from ninja.security import HttpBearer
from oauth2_provider.models import AccessToken, Application

from hearth.accounts.models import Account, User
from hearth.accounts.services import account_create_for_user
from hearth.api.errors import INVALID_TOKEN, OUTSIDE_SCOPES, ApiError
from hearth.core.compiled import CompiledQuery, load_instances, model_columns
from hearth.filters.models import Filter

TOP_SCOPES = ("read", "write", "follow", "push")
#: Mastodon's legacy `follow` scope grants these granular ones.
FOLLOW_COVERS = frozenset(
    {"read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes", "write:mutes"}
)


def scope_allows(granted: Iterable[str], required: str) -> bool:
    granted = frozenset(granted)
    if required in granted:
        return True
    top, _, detail = required.partition(":")
    if detail and top in granted:
        return True
    return required in FOLLOW_COVERS and "follow" in granted


@dataclass(frozen=True)
class Caller:
    """The authenticated side of a request. Anonymous: everything None and no scopes."""

    token: AccessToken | None = None
    user: User | None = None
    account: Account | None = None
    scopes: frozenset[str] = frozenset()
    #: Whether the member has keyword filters (hearth.filters): a timeline read by a member
    #: without any, as most are, then skips looking them up.
    has_filters: bool = False

    @property
    def application(self) -> Application | None:
        """The token's app, read when first asked for: two endpoints need it, and every
        request would otherwise load its fifteen columns with the token."""
        return self.token.application if self.token is not None else None


ANONYMOUS = Caller()


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _token_query(digest: str) -> QuerySet[Any, tuple[Any, ...]]:
    """The token with this checksum, its user and account, whether the user has a confirmed
    e-mail address and whether their account has filters: every column of the three rows, as
    one tuple."""
    rows: QuerySet[Any, tuple[Any, ...]] = (
        AccessToken.objects.annotate(
            email_confirmed=Exists(
                EmailAddress.objects.filter(user=OuterRef("user_id"), verified=True)
            ),
            has_filters=Exists(Filter.objects.filter(owner_id=OuterRef("user__account__id"))),
        )
        .filter(token_checksum=digest)
        .order_by("pk")
        .values_list(
            *(name for model, prefix in _TOKEN_MODELS for name in model_columns(model, prefix)),
            "email_confirmed",
            "has_filters",
        )
    )
    return rows[:1]


#: The rows a token query loads, and how each is reached from the token.
_TOKEN_MODELS: tuple[tuple[type[Model], str], ...] = (
    (AccessToken, ""),
    (User, "user__"),
    (Account, "user__account__"),
)
#: Compiled once per process: every API request runs it (hearth.core.compiled).
_TOKEN = CompiledQuery(_token_query)


def _token_lookup(digest: str) -> AccessToken | None:
    """The token with its user and account loaded (as select_related would; its application
    is read if asked for), and `email_confirmed` and `has_filters` set. One query."""
    found = _TOKEN.rows(digest)
    if not found:
        return None
    row = found[0]
    token, user, account = load_instances(row, [model for model, _ in _TOKEN_MODELS])
    assert isinstance(token, AccessToken)  # noqa: S101  # the row is a token's
    token.user = user
    if user is not None and account is not None:
        user.account = account  # type: ignore[attr-defined]
    token.email_confirmed, token.has_filters = row[-2:]
    return token


def resolve_token(raw: str) -> Caller | None:
    """The caller behind a raw bearer token, or None if it is unknown, revoked, expired, or its
    member can no longer sign in (suspended, or their account is being deleted)."""
    token = _token_lookup(token_digest(raw))
    if token is None or token.is_expired():
        return None
    user: User | None = token.user
    account: Account | None = None
    if user is not None:
        if not user.is_active or user.deletion_scheduled_at is not None:
            return None
        suspended = getattr(user, "account", None) and user.account.suspended_at is not None
        if suspended:  # by the moderators: their apps are shut out until it is lifted
            return None
        if settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory" and not token.email_confirmed:
            # Registered through the API but not confirmed yet: as on the website, no entry.
            raise ApiError(403, "Your login is missing a confirmed e-mail address")
        # Members made outside sign-up (createsuperuser) get their public identity on first use.
        account = getattr(user, "account", None) or account_create_for_user(user=user)
    return Caller(
        token=token,
        user=user,
        account=account,
        scopes=frozenset(token.scope.split()),
        has_filters=bool(token.has_filters),
    )


class TokenAuth(HttpBearer):
    """Bearer-token authentication with a scope check.

    `optional`: no Authorization header means an anonymous caller (a bad token is still 401,
    as on Mastodon). `user_required`: a token from the client_credentials grant (no user) is
    refused with 422, Mastodon's answer.
    """

    def __init__(
        self, scopes: tuple[str, ...], *, optional: bool = False, user_required: bool = True
    ) -> None:
        super().__init__()
        self.scopes = scopes
        self.optional = optional
        self.user_required = user_required

    def __call__(self, request: HttpRequest) -> Caller:
        header = request.headers.get("Authorization", "")
        if not header.strip():
            if self.optional:
                return ANONYMOUS
            raise ApiError(401, INVALID_TOKEN)
        scheme, _, raw = header.strip().partition(" ")
        found = resolve_token(raw.strip()) if scheme.lower() == "bearer" and raw.strip() else None
        if found is None:
            raise ApiError(401, INVALID_TOKEN)
        if self.user_required and found.user is None and not self.optional:
            raise ApiError(422, "This method requires an authenticated user")
        if self.scopes and not any(scope_allows(found.scopes, need) for need in self.scopes):
            raise ApiError(403, OUTSIDE_SCOPES)
        return found

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        return resolve_token(token)  # unused: __call__ does the whole job


def token(*scopes: str) -> TokenAuth:
    """A user's token with one of `scopes`."""
    return TokenAuth(scopes)


def token_optional(*scopes: str) -> TokenAuth:
    """Anyone; a token, if sent, must be valid and carry one of `scopes`."""
    return TokenAuth(scopes, optional=True)


def app_token(*scopes: str) -> TokenAuth:
    """A token of any kind, including an app's own (client_credentials)."""
    return TokenAuth(scopes, user_required=False)


def caller(request: HttpRequest) -> Caller:
    found = getattr(request, "auth", None)
    return found if isinstance(found, Caller) else ANONYMOUS


def viewer(request: HttpRequest) -> Account | None:
    return caller(request).account


def me(request: HttpRequest) -> Account:
    account = caller(request).account
    if account is None:
        raise ApiError(422, "This method requires an authenticated user")
    return account
