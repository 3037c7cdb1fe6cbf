"""Account and CredentialAccount (Mastodon entities) from Hearth's Account.

Every field the spec requires is present; arrays are never null; `avatar` and `header` are
always absolute URLs (a default image when the member has none, which Tusky needs).
"""

from django.utils.html import escape

from hearth.accounts.models import Account
from hearth.api.schemas.common import Context, Out, midnight
from hearth.posts.text import render

DEFAULT_AVATAR = "api/avatar-missing.png"
DEFAULT_HEADER = "api/header-missing.png"


class FieldOut(Out):
    name: str
    value: str
    verified_at: str | None = None


class AccountRoleOut(Out):
    id: str
    name: str
    color: str


class AccountOut(Out):
    id: str
    username: str
    acct: str
    url: str
    uri: str
    display_name: str
    note: str
    avatar: str
    avatar_static: str
    header: str
    header_static: str
    locked: bool
    fields: list[FieldOut]
    emojis: list[dict[str, str]]
    bot: bool
    group: bool
    discoverable: bool | None
    indexable: bool
    hide_collections: bool | None
    noindex: bool | None
    created_at: str
    last_status_at: str | None
    statuses_count: int
    followers_count: int
    following_count: int
    roles: list[AccountRoleOut]


class SourceOut(Out):
    privacy: str
    sensitive: bool
    language: str | None
    note: str
    fields: list[FieldOut]
    follow_requests_count: int
    indexable: bool
    discoverable: bool | None
    hide_collections: bool | None


class RoleOut(Out):
    id: str
    name: str
    permissions: str
    color: str
    highlighted: bool


class CredentialAccountOut(AccountOut):
    source: SourceOut
    role: RoleOut


def note_html(bio: str) -> str:
    """The bio as Mastodon-style HTML: paragraphs, links and hashtags. Mentions stay text, so a
    page of accounts costs no query to resolve them."""
    if not bio.strip():
        return ""
    return render(bio, resolve_usernames=lambda names: {}).html


def _field_value(url: str) -> str:
    shown = url.split("://", 1)[-1].removeprefix("www.")
    return f'<a href="{escape(url)}" target="_blank" rel="nofollow noopener me">{escape(shown)}</a>'


def _image(ctx: Context, field: object, default: str) -> str:
    name = getattr(field, "name", "")
    if name:
        return ctx.absolute(str(getattr(field, "url")))  # noqa: B009  # FieldFile.url
    return ctx.static(default)


def _fields(account: Account) -> list[FieldOut]:
    return [FieldOut(name=link["name"], value=_field_value(link["url"])) for link in account.links]


def account_out(account: Account, ctx: Context) -> AccountOut:
    avatar = _image(ctx, account.avatar, DEFAULT_AVATAR)
    header = _image(ctx, account.header, DEFAULT_HEADER)
    profile_url = ctx.absolute(account.get_absolute_url())
    return AccountOut(
        id=str(account.pk),
        username=account.username,
        # Local accounts are bare usernames; remote ones would be user@domain.
        acct=account.username,
        url=profile_url,
        uri=profile_url,
        display_name=account.display_name,
        note=note_html(account.bio),
        avatar=avatar,
        avatar_static=avatar,
        header=header,
        header_static=header,
        locked=account.locked,
        fields=_fields(account),
        emojis=[],
        bot=False,
        group=False,
        discoverable=account.discoverable,
        indexable=account.discoverable,
        hide_collections=account.hide_network,
        noindex=not account.discoverable,
        created_at=midnight(account.created_at),
        last_status_at=None,
        statuses_count=account.posts_count,
        followers_count=account.followers_count,
        following_count=account.following_count,
        roles=[],
    )


def _role(account: Account) -> RoleOut:
    user = account.user
    if user is not None and user.is_staff:
        # Mastodon's permission bits: 1 is "administrator" (everything).
        return RoleOut(id="3", name="Admin", permissions="1", color="", highlighted=True)
    # Mastodon's "everyone" role: id -99, only the invite permission (65536).
    return RoleOut(id="-99", name="", permissions="65536", color="", highlighted=False)


def credential_account_out(
    account: Account, ctx: Context, *, follow_requests_count: int
) -> CredentialAccountOut:
    public = account_out(account, ctx)
    user = account.user
    source = SourceOut(
        privacy=user.default_visibility if user is not None else "public",
        sensitive=False,
        language=(user.language or None) if user is not None else None,
        note=account.bio,
        fields=[FieldOut(name=link["name"], value=link["url"]) for link in account.links],
        follow_requests_count=follow_requests_count,
        indexable=account.discoverable,
        discoverable=account.discoverable,
        hide_collections=account.hide_network,
    )
    return CredentialAccountOut(**public.model_dump(), source=source, role=_role(account))
