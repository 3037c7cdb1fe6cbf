"""Small filters for showing posts."""

from datetime import datetime

from django import template
from django.urls import reverse
from django.utils import timezone

from hearth.posts.models import Post

register = template.Library()


@register.filter
def reltime(value: datetime | None, now: datetime | None = None) -> str:
    """A post's age in the short form timelines use: "now", "5m", "3h", "4d", then the date
    ("Nov 2", with the year when it isn't this year's)."""
    if value is None:
        return ""
    now = now or timezone.now()
    seconds = int((now - value).total_seconds())
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h"
    if seconds < 7 * 86400:
        return f"{seconds // 86400}d"
    local = timezone.localtime(value)
    if local.year == timezone.localtime(now).year:
        return f"{local:%b} {local.day}"
    return f"{local:%b} {local.day}, {local.year}"


@register.filter
def thread_depth(depth: int) -> int:
    """How far a reply is indented: its depth in the thread, at most 4 steps."""
    return min(depth, 4)


@register.filter
def post_url(post: Post) -> str:
    """The address of a post's page (/@author/id); needs the post's author loaded."""
    return reverse("post_detail", kwargs={"username": post.author.username, "post_id": post.pk})
