"""GET /api/v1/favourites: the posts the member liked and may still see, latest like first.

Paged by the like's id, not the post's (Mastodon does the same), so the cursors only make
sense in the `Link` header's URLs, which is all clients follow.
"""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from hearth.api.auth import me, token
from hearth.api.pagination import set_link, timeline_cursor
from hearth.api.schemas.common import context_for
from hearth.api.schemas.status import StatusOut, status_out
from hearth.timelines.selectors import favourites_by_relation

router = Router(tags=["favourites"])


@router.get("", response=list[StatusOut], auth=token("read:favourites"))
def favourites(request: HttpRequest, response: HttpResponse) -> list[StatusOut]:
    page = favourites_by_relation(me(request), timeline_cursor(request))
    set_link(response, request, page)
    ctx = context_for(request)
    return [status_out(view, ctx) for view in page.items]
