"""GET /api/v1/mutes: the accounts the member mutes (fully or reposts only), newest first."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from hearth.api.auth import me, token
from hearth.api.pagination import page_of, set_link
from hearth.api.schemas.account import AccountOut, account_out
from hearth.api.schemas.common import context_for
from hearth.graph.selectors import mutes_of

router = Router(tags=["mutes"])


@router.get("", response=list[AccountOut], auth=token("read:mutes"))
def mutes(request: HttpRequest, response: HttpResponse) -> list[AccountOut]:
    page = page_of(mutes_of(account=me(request)), request)
    set_link(response, request, page)
    ctx = context_for(request)
    return [account_out(mute.target, ctx) for mute in page.items]
