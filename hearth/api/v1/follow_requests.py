"""/api/v1/follow_requests: who asked to follow the member, and the answers."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from hearth.api.auth import me, token
from hearth.api.pagination import page_of, set_link
from hearth.api.schemas.account import AccountOut, account_out
from hearth.api.schemas.common import context_for
from hearth.api.schemas.relationship import RelationshipOut, relationship_with
from hearth.api.v1.lookups import access_account
from hearth.graph import selectors as graph
from hearth.graph import services as graph_services

router = Router(tags=["follow_requests"])


@router.get("", response=list[AccountOut], auth=token("read:follows"))
def follow_requests(request: HttpRequest, response: HttpResponse) -> list[AccountOut]:
    page = page_of(graph.follow_requests_for(account=me(request)), request)
    set_link(response, request, page)
    ctx = context_for(request)
    return [account_out(row.follower, ctx) for row in page.items]


@router.post("/{account_id}/authorize", response=RelationshipOut, auth=token("write:follows"))
def authorize(request: HttpRequest, account_id: str) -> RelationshipOut:
    requester = access_account(account_id)
    graph_services.follow_request_accept(actor=me(request), requester=requester)
    return relationship_with(me(request), requester.pk)


@router.post("/{account_id}/reject", response=RelationshipOut, auth=token("write:follows"))
def reject(request: HttpRequest, account_id: str) -> RelationshipOut:
    requester = access_account(account_id)
    graph_services.follow_request_reject(actor=me(request), requester=requester)
    return relationship_with(me(request), requester.pk)
