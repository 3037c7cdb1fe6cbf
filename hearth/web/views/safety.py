"""Settings → Blocked accounts and Muted accounts: who the member blocks and mutes, with a way
to undo each (the buttons post to the relationship views, which come back here)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hearth.graph.selectors import blocks_of, mutes_of
from hearth.web.pagination import page_before, parse_cursor
from hearth.web.views.relationships import member_account


@login_required
@require_GET
def blocks(request: HttpRequest) -> HttpResponse:
    before = parse_cursor(request.GET.get("before"))
    blocked = blocks_of(account=member_account(request))
    page = page_before(blocked, cursor="inbound_blocks__id", before=before)
    return render(request, "web/settings/blocks.html", {"page": page})


@login_required
@require_GET
def mutes(request: HttpRequest) -> HttpResponse:
    before = parse_cursor(request.GET.get("before"))
    page = page_before(mutes_of(account=member_account(request)), cursor="id", before=before)
    return render(request, "web/settings/mutes.html", {"page": page})
