"""Views that exist only under config.settings_bench.

- `floor`: the reference every hot path is compared with, one indexed 20-row query turned into
  JSON on the same server stack (ARCHITECTURE.md, "Serving").

The home timeline as JSON is measured on the real endpoint, `/api/v1/timelines/home`, with a
bearer token (bench/run.py).
"""

from django.http import HttpRequest, HttpResponse, JsonResponse

from hearth.posts.models import Post

FLOOR_ROWS = 20


def floor(request: HttpRequest) -> HttpResponse:
    """The newest 20 posts by primary key: one index scan, no session, no templates."""
    rows = Post.objects.order_by("-id").values(
        "id", "author_id", "created_at", "visibility", "language", "content_html"
    )[:FLOOR_ROWS]
    return JsonResponse({"posts": [{**row, "id": str(row["id"])} for row in rows]})
