"""The member's pending follow requests: accept or turn down each, or accept them all.

Answering from a profile's relationship area (`view` not "row") redraws that area under htmx;
from this page it redraws the one row.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from hearth.accounts.models import Account
from hearth.graph import services as graph
from hearth.graph.errors import RelationshipError
from hearth.graph.selectors import follow_requests_for
from hearth.web.pagination import page_before, parse_cursor
from hearth.web.views.relationships import (
    account_or_404,
    is_htmx,
    member_account,
    relationship_fragment,
    safe_next,
)


@login_required
@require_GET
def follow_requests(request: HttpRequest) -> HttpResponse:
    account = member_account(request)
    before = parse_cursor(request.GET.get("before"))
    page = page_before(follow_requests_for(account=account), cursor="id", before=before)
    return render(
        request, "web/relationships/follow_requests.html", {"account": account, "page": page}
    )


@login_required
@require_POST
def accept(request: HttpRequest, username: str) -> HttpResponse:
    actor, requester = member_account(request), account_or_404(request, username)
    try:
        graph.follow_request_accept(actor=actor, requester=requester)
    except RelationshipError as refused:
        return _answered(request, actor, requester, error=refused.message)
    return _answered(request, actor, requester, notice=f"@{requester.username} now follows you.")


@login_required
@require_POST
def reject(request: HttpRequest, username: str) -> HttpResponse:
    actor, requester = member_account(request), account_or_404(request, username)
    try:
        graph.follow_request_reject(actor=actor, requester=requester)
    except RelationshipError as refused:
        return _answered(request, actor, requester, error=refused.message)
    notice = f"You turned down @{requester.username}’s request. They aren’t told."
    return _answered(request, actor, requester, notice=notice)


@login_required
@require_POST
def accept_all(request: HttpRequest) -> HttpResponse:
    accepted = graph.follow_requests_accept_all(actor=member_account(request))
    if accepted:
        messages.success(
            request, f"You accepted {accepted} follow request{'s' if accepted != 1 else ''}."
        )
    else:
        messages.info(request, "There were no pending follow requests to accept.")
    return redirect("follow_requests")


def _answered(
    request: HttpRequest,
    actor: Account,
    requester: Account,
    *,
    notice: str | None = None,
    error: str | None = None,
) -> HttpResponse:
    if is_htmx(request):
        if request.POST.get("view") == "row":
            context = {"requester": requester, "notice": notice, "error": error}
            return render(request, "web/relationships/_follow_request_answered.html", context)
        return relationship_fragment(
            request, actor=actor, target=requester, notice=notice, error=error
        )
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect(safe_next(request) or "follow_requests")
