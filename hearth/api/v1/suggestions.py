"""Who to follow: GET /api/v2/suggestions (and the older /api/v1/suggestions), from the same
selector as the web's "Who to follow" panel (friends of friends, then popular accounts), and
DELETE /api/v1/suggestions/:account_id, which Hearth answers by leaving the list as it is
ranked (there is no per-member "not interested" yet)."""

from django.http import HttpRequest
from ninja import Router

from hearth.api.auth import me, token
from hearth.api.schemas.account import AccountOut, account_out
from hearth.api.schemas.common import Out, context_for
from hearth.timelines.selectors import who_to_follow

v1 = Router(tags=["suggestions"])
v2 = Router(tags=["suggestions"])

#: The panel's ranking is cached per member for a quarter of an hour; this is its size.
LIMIT = 40


class SuggestionOut(Out):
    source: str
    sources: list[str]
    account: AccountOut


def _suggested(request: HttpRequest) -> list[AccountOut]:
    ctx = context_for(request)
    return [account_out(account, ctx) for account in who_to_follow(me(request), limit=LIMIT)]


@v2.get("", response=list[SuggestionOut], auth=token("read"))
def suggestions(request: HttpRequest) -> list[SuggestionOut]:
    return [
        SuggestionOut(source="global", sources=["friends_of_friends"], account=account)
        for account in _suggested(request)
    ]


@v1.get("", response=list[AccountOut], auth=token("read"))
def suggestions_v1(request: HttpRequest) -> list[AccountOut]:
    return _suggested(request)


@v1.delete("/{account_id}", response=dict[str, str], auth=token("read"))
def suggestion_remove(request: HttpRequest, account_id: str) -> dict[str, str]:
    return {}
