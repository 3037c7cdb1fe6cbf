"""GET /api/v1/bookmarks: the posts the member bookmarked and may still see, latest first.

Paged by the bookmark's id, not the post's (Mastodon does the same), so the cursors only make
sense in the `Link` header's URLs, which is all clients follow.
"""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from hearth.api.auth import me, token
from hearth.api.pagination import set_link, timeline_cursor
from hearth.api.schemas.common import context_for
from hearth.api.schemas.status import StatusOut, status_out
from hearth.timelines.selectors import bookmarks_by_relation

router = Router(tags=["bookmarks"])


@router.get("", response=list[StatusOut], auth=token("read:bookmarks"))
def bookmarks(request: HttpRequest, response: HttpResponse) -> list[StatusOut]:
    page = bookmarks_by_relation(me(request), timeline_cursor(request))
    set_link(response, request, page)
    ctx = context_for(request)
    return [status_out(view, ctx) for view in page.items]
