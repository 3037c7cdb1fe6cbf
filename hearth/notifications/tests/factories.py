"""Shortcuts over the real posts and graph services for notifications tests."""

from hearth.accounts.models.user import Visibility
from hearth.notifications.models import Notification
from hearth.posts import services as posts


def make_post(author, text="Hello there", visibility=Visibility.PUBLIC, **kwargs):
    return posts.post_create(author=author, text=text, visibility=visibility, **kwargs)


def rows(recipient, **filters):
    """The recipient's notifications as (type, actor username, post id), newest first."""
    return [
        (n.type, n.actor.username, n.post_id)
        for n in Notification.objects.filter(recipient=recipient, **filters)
        .select_related("actor")
        .order_by("-id")
    ]
