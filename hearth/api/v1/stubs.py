"""Endpoints apps call at start-up for features Hearth doesn't have yet. They answer an empty
list rather than 404, which crashes Ivory and stops Elk loading (CLIENT-NOTES §3, §7)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from hearth.api.auth import token, token_optional

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
