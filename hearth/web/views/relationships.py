"""Follow, mute and block buttons: each a POST that calls one graph service.

Without JavaScript the browser posts the form, gets a flash message and is sent back (to `next`
when it is a page of this site, else to the profile). With htmx (an `HX-Request` header) the
response is the relationship area, or one account card's button, drawn afresh: the page swaps
it in place. A refused change (`RelationshipError`) becomes a message either way, never an error
page.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hearth.accounts.models import Account, User
from hearth.accounts.selectors import account_get_visible
from hearth.accounts.services import account_create_for_user
from hearth.core import ratelimit
from hearth.graph import services as graph
from hearth.graph.errors import RelationshipError
from hearth.graph.selectors import relationships

#: A change between the signed-in member's account and another; returns the message to show.
Change = Callable[[Account, Account], str]


def viewer_account(request: HttpRequest) -> Account | None:
    """The signed-in member's account, or None for a visitor (or a member without one yet)."""
    if not isinstance(request.user, User):
        return None
    return getattr(request.user, "account", None)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def safe_next(request: HttpRequest) -> str | None:
    """The `next` field of the posted form, if it points into this site."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def member_account(request: HttpRequest) -> Account:
    assert isinstance(request.user, User)  # login_required ran
    # Members made outside sign-up (`createsuperuser`) may not have a public identity yet.
    return viewer_account(request) or account_create_for_user(user=request.user)


def account_or_404(request: HttpRequest, username: str) -> Account:
    account = account_get_visible(username=username, viewer=request.user)
    if account is None:
        raise Http404("No such account.")
    return account


def _change(request: HttpRequest, username: str, change: Change) -> HttpResponse:
    """Apply `change` from the member to @username and answer the way the form asked."""
    actor, target = member_account(request), account_or_404(request, username)
    try:
        notice, error = change(actor, target), None
    except RelationshipError as refused:
        notice, error = None, refused.message
    if is_htmx(request):
        return relationship_fragment(
            request, actor=actor, target=target, notice=notice, error=error
        )
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect(safe_next(request) or _after(actor, target))


def _after(actor: Account, target: Account) -> str:
    # Someone who blocks the member no longer has a profile for them to go back to.
    if relationships(viewer=actor, targets=[target])[target.pk].blocked_by:
        return "/"
    return target.get_absolute_url()


def relationship_fragment(
    request: HttpRequest,
    *,
    actor: Account,
    target: Account,
    notice: str | None = None,
    error: str | None = None,
) -> HttpResponse:
    """The relationship area of a profile, or with `view=card` one account card's button."""
    relationship = relationships(viewer=actor, targets=[target])[target.pk]
    context = {
        "account": target,
        "relationship": relationship,
        "viewer": actor,
        "notice": notice,
        "error": error,
        "next": safe_next(request) or "",
    }
    if request.POST.get("view") == "card":
        return render(request, "web/relationships/_follow_button.html", context)
    # The counts on the profile moved with a follow: send them too, swapped out of band.
    target.refresh_from_db(fields=["followers_count", "following_count"])
    context["stats_oob"] = True
    return render(request, "web/relationships/_relationship.html", context)


# --- The changes --------------------------------------------------------------------------------


def _follow(actor: Account, target: Account) -> str:
    if graph.follow(actor=actor, target=target) == "requested":
        return f"You asked to follow @{target.username}. They’ll decide whether to accept."
    return f"You now follow @{target.username}."


def _unfollow(actor: Account, target: Account) -> str:
    graph.unfollow(actor=actor, target=target)
    return f"You no longer follow @{target.username}."


def _unblock(actor: Account, target: Account) -> str:
    graph.unblock(actor=actor, target=target)
    return f"You unblocked @{target.username}. Follows ended by the block stay ended."


def _unmute(actor: Account, target: Account) -> str:
    graph.unmute(actor=actor, target=target)
    return f"You unmuted @{target.username}."


def _follower_remove(actor: Account, target: Account) -> str:
    graph.follower_remove(actor=actor, follower=target)
    return f"@{target.username} no longer follows you."


@login_required
@require_POST
def follow(request: HttpRequest, username: str) -> HttpResponse:
    ratelimit.limit(request, "follow")
    return _change(request, username, _follow)


@login_required
@require_POST
def unfollow(request: HttpRequest, username: str) -> HttpResponse:
    """Stop following, or withdraw a follow request."""
    return _change(request, username, _unfollow)


@login_required
@require_POST
def mute(request: HttpRequest, username: str) -> HttpResponse:
    reposts_only = request.POST.get("reposts_only") in ("1", "on", "true")

    def change(actor: Account, target: Account) -> str:
        graph.mute(actor=actor, target=target, reposts_only=reposts_only)
        if reposts_only:
            return f"You muted @{target.username}’s reposts. Their own posts still show."
        return f"You muted @{target.username}. They won’t know."

    return _change(request, username, change)


@login_required
@require_POST
def unmute(request: HttpRequest, username: str) -> HttpResponse:
    return _change(request, username, _unmute)


@login_required
def block(request: HttpRequest, username: str) -> HttpResponse:
    """GET: a page explaining what blocking does, to confirm. POST: block."""
    if request.method != "POST":
        target = account_or_404(request, username)
        if target.user_id == request.user.pk:
            messages.error(request, "You can’t block yourself.")
            return redirect(target.get_absolute_url())
        context = {"account": target, "next": safe_next(request) or ""}
        return render(request, "web/relationships/block_confirm.html", context)

    def change(actor: Account, target: Account) -> str:
        graph.block(actor=actor, target=target)
        return f"You blocked @{target.username}."

    return _change(request, username, change)


@login_required
@require_POST
def unblock(request: HttpRequest, username: str) -> HttpResponse:
    return _change(request, username, _unblock)


@login_required
@require_POST
def follower_remove(request: HttpRequest, username: str) -> HttpResponse:
    return _change(request, username, _follower_remove)
