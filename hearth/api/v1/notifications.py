"""/api/v1/notifications: the member's notifications one by one (Mastodon's v1, ungrouped),
one of them, dismissing one or all, and the unread count.

What shows is decided by hearth.notifications.selectors (the same rules as the website's
grouped list: blocks, mutes, posts the member can no longer see, likes taken back). Lists are
40 by default and at most 80 (Mastodon 4.1+; Ivory asks for 100 and gets 80).
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema

from hearth.api.auth import me, token
from hearth.api.errors import validation_error
from hearth.api.filtering import apply_filters_to_notifications
from hearth.api.pagination import page_of, set_link
from hearth.api.parsing import parse_query
from hearth.api.schemas.common import Out, context_for
from hearth.api.schemas.notification import (
    API_KINDS,
    NotificationOut,
    kinds_for,
    moderation_actions,
    notification_out,
)
from hearth.api.v1.lookups import parse_id
from hearth.notifications import selectors, services
from hearth.notifications.models import Notification, NotificationType
from hearth.notifications.selectors import NotificationFilter

router = Router(tags=["notifications"])

DEFAULT_LIMIT = 40
MAX_LIMIT = 80


class NotificationsQuery(Schema):
    types: list[str] | str = []
    exclude_types: list[str] | str = []
    account_id: str | None = None


class CountOut(Out):
    count: int


def _listed(value: list[str] | str) -> list[str]:
    return [value] if isinstance(value, str) else value


def _filter(request: HttpRequest) -> NotificationFilter:
    """The request's filters. Unknown types are ignored, as on Mastodon (types[] naming only
    unknown ones matches nothing); an account_id that is not an id is a 422."""
    query = parse_query(request, NotificationsQuery)
    types, excluded = _listed(query.types), _listed(query.exclude_types)
    actor_id = None
    if query.account_id is not None:
        actor_id = parse_id(query.account_id)
        if actor_id is None:
            raise validation_error({"account_id": ["Give an account id."]})
    return NotificationFilter(
        kinds=kinds_for(types) if types else API_KINDS,
        exclude_kinds=kinds_for(excluded),
        actor_id=actor_id,
        moderation_actions_only=True,
    )


@router.get("", response=list[NotificationOut], auth=token("read:notifications"))
def notifications(request: HttpRequest, response: HttpResponse) -> list[NotificationOut]:
    viewer = me(request)
    rows = selectors.notifications_ungrouped(viewer, _filter(request))
    page = page_of(rows, request, default_limit=DEFAULT_LIMIT, max_limit=MAX_LIMIT)
    set_link(response, request, page)
    posts = selectors.notification_posts(viewer, page.items)
    actions = moderation_actions(page.items)
    ctx = context_for(request)
    return apply_filters_to_notifications(
        viewer,
        [
            notification_out(
                row,
                posts.get(row.post_id) if row.post_id else None,
                ctx,
                actions.get(row.moderation_action_id) if row.moderation_action_id else None,
            )
            for row in page.items
        ],
    )


# Fixed paths before /{notification_id}.
@router.get("/unread_count", response=CountOut, auth=token("read:notifications"))
def unread_count(request: HttpRequest) -> CountOut:
    return CountOut(count=selectors.unread_count(account=me(request), only=_filter(request)))


@router.post("/clear", response=dict[str, Any], auth=token("write:notifications"))
def clear(request: HttpRequest) -> dict[str, Any]:
    services.notifications_clear(account=me(request))
    return {}


@router.get("/{notification_id}", response=NotificationOut, auth=token("read:notifications"))
def notification(request: HttpRequest, notification_id: str) -> NotificationOut:
    viewer = me(request)
    found = _access(request, notification_id)
    posts = selectors.notification_posts(viewer, [found])
    post = posts.get(found.post_id) if found.post_id else None
    action = moderation_actions([found]).get(found.moderation_action_id or 0)
    return notification_out(found, post, context_for(request), action)


@router.post(
    "/{notification_id}/dismiss", response=dict[str, Any], auth=token("write:notifications")
)
def dismiss(request: HttpRequest, notification_id: str) -> dict[str, Any]:
    found = _access(request, notification_id)
    services.notification_dismiss(account=me(request), notification_id=found.pk)
    return {}


def _access(request: HttpRequest, notification_id: str) -> Notification:
    """The caller's notification, if the API shows it; else 404 (another member's too)."""
    found = selectors.access_notification(me(request), notification_id)
    if found.type not in API_KINDS or (
        found.type == NotificationType.MODERATION and found.moderation_action_id is None
    ):
        raise Http404("No such notification.")
    return found
