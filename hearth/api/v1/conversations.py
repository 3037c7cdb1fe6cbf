"""/api/v1/conversations: the member's direct-message conversations (hearth.messaging),
newest message first, paged by that message's id; marking one read; hiding one.

Someone else's conversation is 404, never 403.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from hearth.api.auth import me, token
from hearth.api.pagination import page_of, set_link
from hearth.api.schemas.common import context_for
from hearth.api.schemas.conversation import ConversationOut, conversation_out
from hearth.messaging import selectors, services

router = Router(tags=["conversations"])


@router.get("", response=list[ConversationOut], auth=token("read:statuses"))
def conversations(request: HttpRequest, response: HttpResponse) -> list[ConversationOut]:
    viewer = me(request)
    page = page_of(selectors.conversations_for(viewer), request, key="last_status_id")
    set_link(response, request, page)
    ctx = context_for(request)
    views = selectors.conversation_views(viewer, page.items)
    return [conversation_out(view, viewer, ctx) for view in views]


@router.post("/{conversation_id}/read", response=ConversationOut, auth=token("write:conversations"))
def read(request: HttpRequest, conversation_id: str) -> ConversationOut:
    viewer = me(request)
    services.conversation_mark_read(account=viewer, conversation_id=conversation_id)
    member = selectors.access_conversation(viewer, conversation_id)
    [view] = selectors.conversation_views(viewer, [member])
    return conversation_out(view, viewer, context_for(request))


@router.delete("/{conversation_id}", response=dict[str, Any], auth=token("write:conversations"))
def hide(request: HttpRequest, conversation_id: str) -> dict[str, Any]:
    services.conversation_hide(account=me(request), conversation_id=conversation_id)
    return {}
