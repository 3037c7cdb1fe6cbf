"""A member's profile at /@username, and the lists of whom they follow and who follows them."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from hearth.graph.selectors import (
    NO_RELATIONSHIP,
    followers_of,
    following_of,
    is_blocked_between,
    network_visible_to,
    relationships,
)
from hearth.web.pagination import page_before, parse_cursor
from hearth.web.views.relationships import account_or_404, viewer_account
from hearth.web.views.timelines import profile_posts


def profile(request: HttpRequest, username: str, tab: str = "posts") -> HttpResponse:
    """Anyone may look, except someone the owner blocked (404, as if there were no one). Someone
    who blocked the owner sees only that, with a way to undo it."""
    account = account_or_404(request, username)
    viewer = viewer_account(request)
    is_self = viewer is not None and viewer.pk == account.pk
    relationship = NO_RELATIONSHIP
    if viewer is not None and not is_self:
        relationship = relationships(viewer=viewer, targets=[account])[account.pk]
    if relationship.blocked_by:
        raise Http404("No such account.")
    context = {"account": account, "is_self": is_self, "relationship": relationship}
    if relationship.blocking:
        return render(request, "web/relationships/profile_blocked.html", context)
    context |= profile_posts(request, account, viewer, tab)
    return render(request, "web/profile.html", context)


def followers(request: HttpRequest, username: str) -> HttpResponse:
    return _network_list(request, username, kind="followers")


def following(request: HttpRequest, username: str) -> HttpResponse:
    return _network_list(request, username, kind="following")


def _network_list(request: HttpRequest, username: str, *, kind: str) -> HttpResponse:
    """One page of an account's followers or follows, each row with the viewer's follow button.

    A block either way hides the lists like the profile (404). Queries per page are constant:
    the accounts, then the viewer's relationships with all of them at once.
    """
    account = account_or_404(request, username)
    viewer = viewer_account(request)
    is_other = viewer is not None and viewer.pk != account.pk
    if is_other and viewer is not None and is_blocked_between(a_id=viewer.pk, b_id=account.pk):
        raise Http404("No such account.")
    context: dict[str, object] = {"account": account, "kind": kind, "viewer": viewer}
    if not network_visible_to(account=account, viewer=viewer):
        context["hidden"] = True
        return render(request, "web/relationships/network_list.html", context)
    if kind == "followers":
        rows, cursor = followers_of(account=account, viewer=viewer), "outbound_follows__id"
    else:
        rows, cursor = following_of(account=account, viewer=viewer), "inbound_follows__id"
    page = page_before(rows, cursor=cursor, before=parse_cursor(request.GET.get("before")))
    found = relationships(viewer=viewer, targets=page.items)
    context["page"] = page
    context["rows"] = [(item, found[item.pk]) for item in page.items]
    return render(request, "web/relationships/network_list.html", context)
