"""/api/v2/search and /api/v1/accounts/search: accounts, hashtags and statuses.

The reads are hearth.search's selectors, which take visibility from the accounts and posts
selectors. `q` longer than hearth.search.selectors.MAX_QUERY_LENGTH is cut, `limit` clamped to
1..40 and `offset` to 0..1000, never refused. An empty `q` finds nothing (not an error).
`resolve` and `exclude_unreviewed` are accepted and change nothing: Hearth has no other servers
to look things up on, and no trends to review.
"""

from django.http import HttpRequest
from ninja import Router, Schema

from hearth.api.auth import token_optional, viewer
from hearth.api.errors import validation_error
from hearth.api.parsing import Flag, parse_query
from hearth.api.schemas.account import AccountOut, account_out
from hearth.api.schemas.common import context_for
from hearth.api.schemas.search import SearchOut, search_out, tag_out
from hearth.api.schemas.status import status_out
from hearth.api.v1.lookups import parse_id
from hearth.search import selectors as search
from hearth.timelines.selectors import hydrate_posts

router = Router(tags=["search"])
#: GET /api/v1/accounts/search; mounted before the accounts router's /{id} paths.
accounts_router = Router(tags=["accounts"])

TYPES = ("accounts", "hashtags", "statuses")


class SearchQuery(Schema):
    q: str = ""
    type: str | None = None
    resolve: Flag = False
    limit: int | None = None
    offset: int | None = None
    following: Flag = False
    account_id: str | None = None
    exclude_unreviewed: Flag = False


@router.get("", response=SearchOut, auth=token_optional("read:search"))
def search_v2(request: HttpRequest) -> SearchOut:
    data = parse_query(request, SearchQuery)
    kind = data.type or None
    if kind is not None and kind not in TYPES:
        raise validation_error({"type": [f"Choose one of: {', '.join(TYPES)}."]})
    account_id = None
    if data.account_id:
        account_id = parse_id(data.account_id)
        if account_id is None:
            raise validation_error({"account_id": ["Give the id of an account."]})
    page = search.window(data.limit, data.offset)
    who = viewer(request)
    ctx = context_for(request)
    accounts, statuses, hashtags = [], [], []
    if kind in (None, "accounts") and account_id is None:
        found = search.search_accounts(
            viewer=who, query=data.q, page=page, following=data.following
        )
        accounts = [account_out(item, ctx) for item in found]
    if kind in (None, "hashtags") and account_id is None:
        hashtags = [tag_out(tag, ctx) for tag in search.search_hashtags(query=data.q, page=page)]
    if kind in (None, "statuses"):
        rows = search.search_posts(viewer=who, query=data.q, page=page, account_id=account_id)
        statuses = [status_out(view, ctx) for view in hydrate_posts(who, rows)]
    return search_out(accounts=accounts, statuses=statuses, hashtags=hashtags)


class AccountSearchQuery(Schema):
    q: str = ""
    limit: int | None = None
    offset: int | None = None
    resolve: Flag = False
    following: Flag = False


@accounts_router.get("/search", response=list[AccountOut], auth=token_optional("read:accounts"))
def account_search(request: HttpRequest) -> list[AccountOut]:
    data = parse_query(request, AccountSearchQuery)
    found = search.search_accounts(
        viewer=viewer(request),
        query=data.q,
        page=search.window(data.limit, data.offset),
        following=data.following,
    )
    ctx = context_for(request)
    return [account_out(item, ctx) for item in found]
