"""GET /api/v1/blocks: the accounts the member blocks, most recent block first."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from hearth.api.auth import me, token
from hearth.api.pagination import page_by_relation, set_link
from hearth.api.schemas.account import AccountOut, account_out
from hearth.api.schemas.common import context_for
from hearth.graph.selectors import blocks_of

router = Router(tags=["blocks"])


@router.get("", response=list[AccountOut], auth=token("read:blocks"))
def blocks(request: HttpRequest, response: HttpResponse) -> list[AccountOut]:
    accounts = blocks_of(account=me(request))
    page = page_by_relation(accounts, request, relation_id="inbound_blocks__id")
    set_link(response, request, page)
    ctx = context_for(request)
    return [account_out(account, ctx) for account in page.items]
