from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from hearth.accounts.selectors import account_get_visible


def profile(request: HttpRequest, username: str) -> HttpResponse:
    """A member's public profile at /@username (any letter case). Anyone may look."""
    account = account_get_visible(username=username, viewer=request.user)
    if account is None:
        raise Http404("No such account.")
    is_self = request.user.is_authenticated and account.user_id == request.user.pk
    return render(request, "web/profile.html", {"account": account, "is_self": is_self})
