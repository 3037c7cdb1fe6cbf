"""Template tags about the signed-in member's place in the social graph."""

from django import template
from django.template.context import Context

from hearth.accounts.models import User
from hearth.graph.selectors import follow_requests_for

register = template.Library()


@register.simple_tag(takes_context=True)
def follow_requests_pending(context: Context) -> int:
    """How many people wait for the signed-in member to answer their follow request.

    One COUNT on the requests' (target, id) index, and only for a locked account: an open
    account gets no requests (follows go through at once, and unlocking in the settings accepts
    those that were waiting), so most pages cost nothing extra. 0 for visitors.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return 0
    account = getattr(user, "account", None)
    if account is None or not account.locked:
        return 0
    return follow_requests_for(account=account).count()
