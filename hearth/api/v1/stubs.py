"""Endpoints apps call at start-up for features Hearth doesn't have yet. They answer an empty
list rather than 404, which crashes Ivory and stops Elk loading (CLIENT-NOTES §3, §7)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from hearth.api.auth import token, token_optional
from hearth.api.v1.lookups import access_account

custom_emojis = Router(tags=["custom_emojis"])
announcements = Router(tags=["announcements"])
trends = Router(tags=["trends"])


@custom_emojis.get("", response=list[dict[str, Any]])
def custom_emoji_list(request: HttpRequest) -> list[dict[str, Any]]:
    return []


@announcements.get("", response=list[dict[str, Any]], auth=token())
def announcement_list(request: HttpRequest) -> list[dict[str, Any]]:
    return []


@trends.get("", response=list[dict[str, Any]], auth=token_optional())
def trend_tags_legacy(request: HttpRequest) -> list[dict[str, Any]]:
    return []


@trends.get("/tags", response=list[dict[str, Any]], auth=token_optional())
def trend_tags(request: HttpRequest) -> list[dict[str, Any]]:
    return []


@trends.get("/statuses", response=list[dict[str, Any]], auth=token_optional())
def trend_statuses(request: HttpRequest) -> list[dict[str, Any]]:
    return []


@trends.get("/links", response=list[dict[str, Any]], auth=token_optional())
def trend_links(request: HttpRequest) -> list[dict[str, Any]]:
    return []


# Hearth has no scheduled posts (a `scheduled_at` on POST /api/v1/statuses is refused with a
# 422), no followed hashtags, no featured hashtags, no endorsements and, without federation, no
# domain blocks. Each list is empty, and honestly so.
scheduled_statuses = Router(tags=["scheduled_statuses"])
followed_tags = Router(tags=["followed_tags"])
endorsements = Router(tags=["endorsements"])
domain_blocks = Router(tags=["domain_blocks"])
featured_tags = Router(tags=["accounts"])


@scheduled_statuses.get("", response=list[dict[str, Any]], auth=token("read:statuses"))
def scheduled_status_list(request: HttpRequest) -> list[dict[str, Any]]:
    return []


@followed_tags.get("", response=list[dict[str, Any]], auth=token("read:follows"))
def followed_tag_list(request: HttpRequest) -> list[dict[str, Any]]:
    return []


@endorsements.get("", response=list[dict[str, Any]], auth=token("read:accounts"))
def endorsement_list(request: HttpRequest) -> list[dict[str, Any]]:
    return []


@domain_blocks.get("", response=list[str], auth=token("read:blocks"))
def domain_block_list(request: HttpRequest) -> list[str]:
    return []


@featured_tags.get(
    "/{account_id}/featured_tags", response=list[dict[str, Any]], auth=token_optional()
)
def featured_tag_list(request: HttpRequest, account_id: str) -> list[dict[str, Any]]:
    access_account(account_id)  # 404 for an account the caller may not see
    return []
