"""/api/v1/filters and /api/v2/filters: content filters, which Hearth doesn't have yet.

Both answer an empty list rather than 404: Phanpy only knows v2 and stops loading on an error,
and Tusky asks v2 first and falls back to v1 (CLIENT-NOTES §3, tusky#4499). The entity lists
are typed as Mastodon's `Filter` (v2) and `V1Filter`; an empty list always matches them.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from hearth.api.auth import token

router_v1 = Router(tags=["filters"])
router_v2 = Router(tags=["filters"])


@router_v1.get("", response=list[dict[str, Any]], auth=token("read:filters"))
def filter_list_v1(request: HttpRequest) -> list[dict[str, Any]]:
    return []


@router_v2.get("", response=list[dict[str, Any]], auth=token("read:filters"))
def filter_list_v2(request: HttpRequest) -> list[dict[str, Any]]:
    return []
