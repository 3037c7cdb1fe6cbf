"""/api/v1/lists and /api/v1/timelines/list/:id: the member's lists and their timelines.

Everything goes through hearth.timelines.lists, as the web's /lists pages do. Someone else's
list is 404. Adding an account the caller doesn't follow is 422 on `account_ids` (Mastodon
requires the follow too).
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from hearth.api.auth import me, token
from hearth.api.errors import validation_error
from hearth.api.filtering import apply_filters
from hearth.api.pagination import PageIds, cursor, page_of, set_link
from hearth.api.parsing import Flag, parse_body, query_data, request_data, validate
from hearth.api.schemas.account import AccountOut, account_out
from hearth.api.schemas.common import context_for
from hearth.api.schemas.list import ListOut, list_out
from hearth.api.schemas.status import StatusOut, status_out
from hearth.api.v1.lookups import parse_id
from hearth.timelines import lists
from hearth.timelines.selectors import Cursor

router = Router(tags=["lists"])
#: Mounted at /v1/timelines/list: the timelines router belongs to the timelines module.
timeline_router = Router(tags=["timelines"])


class ListIn(Schema):
    title: str
    replies_policy: str = "list"
    exclusive: Flag = False


class ListUpdateIn(Schema):
    title: str | None = None
    replies_policy: str | None = None
    exclusive: Flag | None = None


class AccountIdsIn(Schema):
    account_ids: list[str] | str


@router.get("", response=list[ListOut], auth=token("read:lists"))
def list_index(request: HttpRequest) -> list[ListOut]:
    return [list_out(item) for item in lists.lists_of(owner=me(request))]


@router.post("", response=ListOut, auth=token("write:lists"))
def list_create(request: HttpRequest) -> ListOut:
    data = parse_body(request, ListIn)
    created = lists.list_create(
        owner=me(request),
        title=data.title,
        replies_policy=data.replies_policy,
        exclusive=data.exclusive,
    )
    return list_out(created)


@router.get("/{list_id}", response=ListOut, auth=token("read:lists"))
def list_detail(request: HttpRequest, list_id: str) -> ListOut:
    return list_out(lists.access_list(owner=me(request), list_id=list_id))


@router.put("/{list_id}", response=ListOut, auth=token("write:lists"))
def list_update(request: HttpRequest, list_id: str) -> ListOut:
    found = lists.access_list(owner=me(request), list_id=list_id)
    data = parse_body(request, ListUpdateIn)
    updated = lists.list_update(
        list_=found,
        title=data.title,
        replies_policy=data.replies_policy,
        exclusive=data.exclusive,
    )
    return list_out(updated)


@router.delete("/{list_id}", response=dict[str, Any], auth=token("write:lists"))
def list_delete(request: HttpRequest, list_id: str) -> dict[str, Any]:
    lists.list_delete(list_=lists.access_list(owner=me(request), list_id=list_id))
    return {}


@router.get("/{list_id}/accounts", response=list[AccountOut], auth=token("read:lists"))
def list_accounts(request: HttpRequest, response: HttpResponse, list_id: str) -> list[AccountOut]:
    """Members, most recently added first, paged by membership. `limit=0` asks for all of
    them, as on Mastodon (Tusky's list editor does)."""
    found = lists.access_list(owner=me(request), list_id=list_id)
    members = lists.list_members(list_=found)
    ctx = context_for(request)
    if request.GET.get("limit") == "0":
        return [account_out(item, ctx) for item in members[: lists.MAX_LIST_MEMBERS]]
    page = page_of(members, request, key="membership_id")
    set_link(response, request, page)
    return [account_out(item, ctx) for item in page.items]


@router.post("/{list_id}/accounts", response=dict[str, Any], auth=token("write:lists"))
def list_accounts_add(request: HttpRequest, list_id: str) -> dict[str, Any]:
    found = lists.access_list(owner=me(request), list_id=list_id)
    lists.list_members_add(list_=found, account_ids=_account_ids(request))
    return {}


@router.delete("/{list_id}/accounts", response=dict[str, Any], auth=token("write:lists"))
def list_accounts_remove(request: HttpRequest, list_id: str) -> dict[str, Any]:
    found = lists.access_list(owner=me(request), list_id=list_id)
    lists.list_members_remove(list_=found, account_ids=_account_ids(request))
    return {}


def _account_ids(request: HttpRequest) -> list[int]:
    """`account_ids[]` from the body, or the query string (some clients send DELETE's there)."""
    data = request_data(request)
    if "account_ids" not in data:
        data = query_data(request)
    raw = validate(AccountIdsIn, data).account_ids
    asked = [raw] if isinstance(raw, str) else raw
    if len(asked) > lists.MAX_ACCOUNTS_PER_CHANGE:
        message = f"Send at most {lists.MAX_ACCOUNTS_PER_CHANGE} accounts at a time."
        raise validation_error({"account_ids": [message]})
    ids = [parse_id(value) for value in asked]
    if not ids or None in ids:
        raise validation_error({"account_ids": ["Give the ids of accounts you follow."]})
    return [pk for pk in ids if pk is not None]


@timeline_router.get("/{list_id}", response=list[StatusOut], auth=token("read:lists"))
def list_timeline(request: HttpRequest, response: HttpResponse, list_id: str) -> list[StatusOut]:
    viewer = me(request)
    found = lists.access_list(owner=viewer, list_id=list_id)
    asked = cursor(request)
    page = lists.list_timeline(
        viewer,
        found,
        Cursor(
            max_id=asked.max_id, min_id=asked.min_id, since_id=asked.since_id, limit=asked.limit
        ),
    )
    posts = [view.post for view in page.items]
    set_link(response, request, PageIds(posts, page.next_max_id, page.prev_min_id))
    ctx = context_for(request)
    return apply_filters(viewer, "home", [status_out(view, ctx) for view in page.items])
