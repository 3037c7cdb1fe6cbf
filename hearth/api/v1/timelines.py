"""/api/v1/timelines: home, public and hashtag timelines, as the web pages show them.

Each endpoint asks one hearth.timelines selector for a page (the home page's feed engine, the
public and hashtag queries), so visibility, blocks and mutes are decided where the web's are.
Paging follows Mastodon (docs/subsystems/api.md, "Timelines and pagination"): `max_id`,
`since_id`, `min_id`, `limit`, junk cursors ignored, and a `Link` header. List timelines
(`/timelines/list/:id`) live with the lists.
"""

import json

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from hearth.accounts.models import Account
from hearth.api.auth import caller, me, token, token_optional, viewer
from hearth.api.filtering import apply_filters
from hearth.api.pagination import set_link, timeline_cursor
from hearth.api.parsing import Flag, parse_query
from hearth.api.schemas.common import context_for
from hearth.api.schemas.status import StatusOut, statuses_json
from hearth.filters.selectors import active_filters
from hearth.posts.models.hashtag import MAX_HASHTAG_LENGTH
from hearth.timelines import selectors
from hearth.timelines.selectors import StampPage

router = Router(tags=["timelines"])


class PublicQuery(Schema):
    #: Every account is local until Hearth federates: `local` changes nothing, `remote` is empty.
    local: Flag = False
    remote: Flag = False
    only_media: Flag = False


class TagQuery(Schema):
    local: Flag = False
    remote: Flag = False
    only_media: Flag = False


@router.get("/home", response=list[StatusOut], auth=token("read:statuses"))
def home(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The member's home: the same feed engine (and so the same posts) as the web home page.

    The hot path (bench/README.md): statuses come from the cache of rendered posts as JSON
    text (`statuses_json`, the same JSON as status_out) and are sent as they are, without
    validating them again through StatusOut, which stays the documented response. A member
    with keyword filters gets them applied to the decoded statuses."""
    account = me(request)
    page = selectors.home_timeline_stamps(account, timeline_cursor(request))
    return statuses_from_stamps(request, account, page, "home")


def statuses_from_stamps(
    request: HttpRequest, viewer: Account | None, page: StampPage, filter_context: str
) -> HttpResponse:
    """A page of stamps as statuses from the cache of rendered posts, sent as they are; a
    member with keyword filters gets them applied to the decoded statuses (a member without,
    as the token lookup tells, costs no look for them). Also the account statuses'
    (hearth.api.v1.accounts)."""
    texts = statuses_json(page.items, context_for(request))
    if caller(request).has_filters and active_filters(viewer, filter_context):
        statuses = apply_filters(viewer, filter_context, [json.loads(text) for text in texts])
        body = json.dumps(statuses, ensure_ascii=False)
    else:
        body = f"[{','.join(texts)}]"
    sent = HttpResponse(body, content_type="application/json; charset=utf-8")
    set_link(sent, request, page)
    return sent


@router.get("/public", response=list[StatusOut], auth=token_optional("read:statuses"))
def public(request: HttpRequest, response: HttpResponse) -> list[StatusOut] | HttpResponse:
    """The local timeline, from the cache of rendered posts as the home is."""
    query = parse_query(request, PublicQuery)
    if query.remote:
        return []
    reader = viewer(request)
    page = selectors.local_timeline_stamps(
        reader, timeline_cursor(request), only_media=query.only_media
    )
    return statuses_from_stamps(request, reader, page, "public")


@router.get("/tag/{hashtag}", response=list[StatusOut], auth=token_optional("read:statuses"))
def tag(
    request: HttpRequest, response: HttpResponse, hashtag: str
) -> list[StatusOut] | HttpResponse:
    """A hashtag's posts, from the cache of rendered posts as the home is."""
    query = parse_query(request, TagQuery)
    if query.remote or len(hashtag.removeprefix("#")) > MAX_HASHTAG_LENGTH:
        return []  # no remote posts; no hashtag is that long
    reader = viewer(request)
    page = selectors.hashtag_timeline_stamps(
        reader, hashtag, timeline_cursor(request), only_media=query.only_media
    )
    return statuses_from_stamps(request, reader, page, "public")
