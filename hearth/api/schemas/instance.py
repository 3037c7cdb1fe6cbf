"""Instance (v2) and V1Instance (Mastodon entities): what apps read at start-up to learn the
server's name, version, limits and rules. Every field the spec requires is present; Ivory
crashes on a missing one.

The version is "4.2.0 (compatible; Hearth x.y.z)": Mastodon.py keeps the part before the space
and needs M.m.p; 4.2.0 is the newest version whose API Hearth covers without grouped
notifications. `api_versions.mastodon` is 1 (the spec requires the field; every client feature
gate starts at 2), to move to 2 with 4.3.0 once grouped notifications exist.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from hearth import __version__
from hearth.accounts import images
from hearth.accounts.models import SignupMode
from hearth.accounts.signups import signup_settings
from hearth.api.schemas.account import AccountOut, account_out
from hearth.api.schemas.common import Context, Out
from hearth.api.selectors import ServerRule, contact_account, server_rules, server_stats
from hearth.posts.models.pin import MAX_PINNED_POSTS
from hearth.posts.text import URL_LENGTH

MASTODON_VERSION = "4.2.0"
API_VERSION = 1
MAX_MEDIA_ATTACHMENTS = 4
POLL_LIMITS = {
    "max_options": 4,
    "max_characters_per_option": 50,
    "min_expiration": 300,
    "max_expiration": 2_629_746,
}


def version() -> str:
    return f"{MASTODON_VERSION} (compatible; Hearth {__version__})"


class RuleOut(Out):
    id: str
    text: str
    hint: str


class InstanceOut(Out):
    domain: str
    title: str
    version: str
    source_url: str
    description: str
    usage: dict[str, Any]
    thumbnail: dict[str, Any]
    icon: list[dict[str, str]]
    languages: list[str]
    configuration: dict[str, Any]
    registrations: dict[str, Any]
    api_versions: dict[str, int]
    contact: dict[str, Any]
    rules: list[RuleOut]


class V1InstanceOut(Out):
    uri: str
    title: str
    short_description: str
    description: str
    email: str
    version: str
    urls: dict[str, str]
    stats: dict[str, int]
    thumbnail: str | None
    languages: list[str]
    registrations: bool
    approval_required: bool
    invites_enabled: bool
    configuration: dict[str, Any]
    contact_account: AccountOut | None
    rules: list[RuleOut]


def streaming_url(request: HttpRequest) -> str:
    """Where clients open the streaming API: HEARTH_STREAMING_URL, else this host."""
    if settings.HEARTH_STREAMING_URL:
        return str(settings.HEARTH_STREAMING_URL).rstrip("/")
    return f"{'wss' if request.is_secure() else 'ws'}://{request.get_host()}"


def _rules() -> list[RuleOut]:
    return [RuleOut(id=r.id, text=r.text, hint=r.hint) for r in server_rules()]


def _media_limits() -> dict[str, Any]:
    return {
        "supported_mime_types": images.ACCEPTED_CONTENT_TYPES.split(","),
        "image_size_limit": int(settings.HEARTH_MAX_UPLOAD_MB) * 1024 * 1024,
        "image_matrix_limit": images.MAX_PIXELS,
        # No video yet: zero tells apps not to offer it.
        "video_size_limit": 0,
        "video_frame_rate_limit": 0,
        "video_matrix_limit": 0,
        "description_limit": 1500,
    }


def _status_limits() -> dict[str, int]:
    return {
        "max_characters": int(settings.HEARTH_MAX_POST_CHARS),
        "max_media_attachments": MAX_MEDIA_ATTACHMENTS,
        "characters_reserved_per_url": URL_LENGTH,
    }


def _description() -> str:
    return f"{settings.HEARTH_INSTANCE_NAME}: a Hearth community at {settings.HEARTH_DOMAIN}."


def instance_out(request: HttpRequest, ctx: Context, *, registrations_open: bool) -> InstanceOut:
    stats = server_stats()
    policy = signup_settings()
    contact = contact_account()
    return InstanceOut(
        domain=settings.HEARTH_DOMAIN,
        title=settings.HEARTH_INSTANCE_NAME,
        version=version(),
        source_url=ctx.absolute("/about"),
        description=_description(),
        usage={"users": {"active_month": stats.active_month}},
        thumbnail={"url": ctx.static("api/thumbnail.png"), "blurhash": None, "versions": {}},
        icon=[],
        languages=["en"],
        configuration={
            "urls": {
                "streaming": streaming_url(request),
                "about": ctx.absolute("/about"),
                "privacy_policy": ctx.absolute("/privacy"),
                "terms_of_service": ctx.absolute("/terms"),
                "status": None,
            },
            "vapid": {"public_key": ""},
            "accounts": {
                "max_featured_tags": 0,
                "max_pinned_statuses": MAX_PINNED_POSTS,
                "max_display_name_length": 50,
                "max_note_length": 500,
                "max_profile_fields": 4,
            },
            "statuses": _status_limits(),
            "media_attachments": _media_limits(),
            "polls": POLL_LIMITS,
            "translation": {"enabled": False},
        },
        registrations={
            "enabled": registrations_open,
            "approval_required": policy.mode == SignupMode.APPROVAL,
            "message": None if registrations_open else (policy.closed_message or None),
            "url": None,
        },
        api_versions={"mastodon": API_VERSION},
        contact={
            "email": settings.HEARTH_CONTACT_EMAIL,
            "account": account_out(contact, ctx) if contact is not None else None,
        },
        rules=_rules(),
    )


def v1_instance_out(
    request: HttpRequest, ctx: Context, *, registrations_open: bool
) -> V1InstanceOut:
    stats = server_stats()
    policy = signup_settings()
    contact = contact_account()
    return V1InstanceOut(
        # The bare domain, not a URL: toot keys its saved configuration on it.
        uri=settings.HEARTH_DOMAIN,
        title=settings.HEARTH_INSTANCE_NAME,
        short_description=_description(),
        description=_description(),
        email=settings.HEARTH_CONTACT_EMAIL,
        version=version(),
        urls={"streaming_api": streaming_url(request)},
        stats={
            "user_count": stats.user_count,
            "status_count": stats.status_count,
            "domain_count": 0,
        },
        thumbnail=ctx.static("api/thumbnail.png"),
        languages=["en"],
        registrations=registrations_open,
        approval_required=policy.mode == SignupMode.APPROVAL,
        invites_enabled=policy.mode != SignupMode.CLOSED,
        configuration={
            "accounts": {"max_featured_tags": 0},
            "statuses": _status_limits(),
            "media_attachments": {
                key: value for key, value in _media_limits().items() if key != "description_limit"
            },
            "polls": POLL_LIMITS,
        },
        contact_account=account_out(contact, ctx) if contact is not None else None,
        rules=_rules(),
    )


def rule_list(rules: list[ServerRule]) -> list[RuleOut]:
    return [RuleOut(id=r.id, text=r.text, hint=r.hint) for r in rules]
