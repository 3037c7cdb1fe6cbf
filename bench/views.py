"""Views that exist only under config.settings_bench.

- `floor`: the reference every hot path is compared with, one indexed 20-row query turned into
  JSON on the same server stack (ARCHITECTURE.md, "Serving").
- `home_json`: the home timeline page as JSON, from the same selector the HTML page uses, so the
  JSON scenario can run before the Mastodon API's home endpoint exists (the API issue brings
  the real one; the runner switches to it then).
"""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from hearth.posts.models import Post
from hearth.posts.selectors import PostView
from hearth.timelines.selectors import Cursor, home_timeline
from hearth.web.views.relationships import member_account

FLOOR_ROWS = 20


def floor(request: HttpRequest) -> HttpResponse:
    """The newest 20 posts by primary key: one index scan, no session, no templates."""
    rows = Post.objects.order_by("-id").values(
        "id", "author_id", "created_at", "visibility", "language", "content_html"
    )[:FLOOR_ROWS]
    return JsonResponse({"posts": [{**row, "id": str(row["id"])} for row in rows]})


def home_json(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"error": "The access token is invalid"}, status=401)
    viewer = member_account(request)
    page = home_timeline(viewer, Cursor(max_id=request.GET.get("max_id")))
    return JsonResponse([_status(view) for view in page.items], safe=False)


def _status(view: PostView) -> dict[str, Any]:
    """A Mastodon-like status: enough fields that the page costs what an API page would."""
    post, author = view.post, view.author
    return {
        "id": str(post.pk),
        "created_at": post.created_at.isoformat(),
        "in_reply_to_id": str(post.in_reply_to_id) if post.in_reply_to_id else None,
        "sensitive": post.sensitive,
        "spoiler_text": post.spoiler_text,
        "visibility": post.visibility,
        "language": post.language,
        "content": post.content_html,
        "replies_count": post.replies_count,
        "reblogs_count": post.reblogs_count,
        "favourites_count": post.favourites_count,
        "favourited": view.favourited,
        "reblogged": view.reblogged,
        "bookmarked": view.bookmarked,
        "account": {
            "id": str(author.pk),
            "username": author.username,
            "display_name": author.display_name,
            "followers_count": author.followers_count,
        },
        "mentions": [{"id": str(a.pk), "username": a.username} for a in view.mentions],
        "tags": [{"name": name} for name in view.hashtags],
        "reblog": _status(view.reblog) if view.reblog else None,
    }
