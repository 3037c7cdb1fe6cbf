"""/api/v1/accounts: profiles, the member's own credentials, relationships and their actions.

Every read goes through hearth.accounts and hearth.graph selectors, every change through their
services, exactly as the web pages do. Accounts the caller may not see are 404.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from hearth.accounts.selectors import account_get_visible, account_list_visible
from hearth.api.auth import caller, me, token, token_optional, viewer
from hearth.api.errors import ApiError
from hearth.api.pagination import page_by_relation, set_link, timeline_cursor
from hearth.api.parsing import Flag, parse_body, parse_query
from hearth.api.schemas.account import AccountOut, account_out
from hearth.api.schemas.common import context_for
from hearth.api.schemas.list import ListOut, list_out
from hearth.api.schemas.relationship import RelationshipOut, relationship_out, relationship_with
from hearth.api.schemas.status import StatusOut
from hearth.api.v1.lookups import access_account, parse_id
from hearth.api.v1.timelines import statuses_from_stamps
from hearth.core import ratelimit
from hearth.graph import selectors as graph
from hearth.graph import services as graph_services
from hearth.timelines import lists
from hearth.timelines import selectors as timelines

router = Router(tags=["accounts"])

#: At most this many ids are answered from one relationships request; the rest are ignored.
MAX_RELATIONSHIP_IDS = 40


class LookupQuery(Schema):
    acct: str = ""


@router.get("/lookup", response=AccountOut, auth=token_optional("read:accounts"))
def lookup(request: HttpRequest) -> AccountOut:
    """`acct` is `name`, `@name` or `name@this.domain`; other domains aren't known here."""
    acct = parse_query(request, LookupQuery).acct.strip().removeprefix("@")
    username, _, domain = acct.partition("@")
    local_domains = {settings.HEARTH_DOMAIN.lower(), request.get_host().lower()}
    found = None
    if username and (not domain or domain.lower() in local_domains):
        found = account_get_visible(username=username, viewer=None)
    if found is None:
        raise ApiError(404, "Record not found")
    return account_out(found, context_for(request))


class RelationshipsQuery(Schema):
    id: list[str] | str = []


@router.get("/relationships", response=list[RelationshipOut], auth=token("read:follows"))
def relationships(request: HttpRequest) -> list[RelationshipOut]:
    raw = parse_query(request, RelationshipsQuery).id
    asked = [raw] if isinstance(raw, str) else raw
    # Clamped, not refused: a client asking about 10,000 ids gets the first 40 answered.
    ids = [pk for pk in dict.fromkeys(map(parse_id, asked[: MAX_RELATIONSHIP_IDS * 4])) if pk]
    ids = ids[:MAX_RELATIONSHIP_IDS]
    existing = set(
        account_list_visible(viewer=None).filter(pk__in=ids).values_list("pk", flat=True)
    )
    found = graph.relationships(viewer=me(request), targets=[pk for pk in ids if pk in existing])
    return [relationship_out(pk, found[pk]) for pk in ids if pk in existing]


@router.get("/{account_id}", response=AccountOut, auth=token_optional("read:accounts"))
def detail(request: HttpRequest, account_id: str) -> AccountOut:
    return account_out(access_account(account_id), context_for(request))


# --- Lists ---------------------------------------------------------------------------------


@router.get(
    "/{account_id}/followers", response=list[AccountOut], auth=token_optional("read:accounts")
)
def followers(request: HttpRequest, response: HttpResponse, account_id: str) -> list[AccountOut]:
    account = access_account(account_id)
    accounts = graph.followers_of(account=account, viewer=viewer(request))
    page = page_by_relation(accounts, request, relation_id="outbound_follows__id")
    set_link(response, request, page)
    ctx = context_for(request)
    return [account_out(item, ctx) for item in page.items]


@router.get(
    "/{account_id}/following", response=list[AccountOut], auth=token_optional("read:accounts")
)
def following(request: HttpRequest, response: HttpResponse, account_id: str) -> list[AccountOut]:
    account = access_account(account_id)
    accounts = graph.following_of(account=account, viewer=viewer(request))
    page = page_by_relation(accounts, request, relation_id="inbound_follows__id")
    set_link(response, request, page)
    ctx = context_for(request)
    return [account_out(item, ctx) for item in page.items]


@router.get("/{account_id}/lists", response=list[ListOut], auth=token("read:lists"))
def lists_with(request: HttpRequest, account_id: str) -> list[ListOut]:
    """Which of the caller's lists hold this account."""
    found = lists.lists_containing(owner=me(request), account=access_account(account_id))
    return [list_out(item) for item in found]


class StatusesQuery(Schema):
    only_media: Flag = False
    exclude_replies: Flag = False
    exclude_reblogs: Flag = False
    #: Only the pinned posts (the other filters are then not applied).
    pinned: Flag = False
    tagged: str = ""


@router.get(
    "/{account_id}/statuses", response=list[StatusOut], auth=token_optional("read:statuses")
)
def statuses(request: HttpRequest, response: HttpResponse, account_id: str) -> HttpResponse:
    """The account's posts as its profile shows them to the caller (direct posts never), from
    the cache of rendered posts as the timelines are, whichever filters are asked for."""
    query = parse_query(request, StatusesQuery)
    account = access_account(account_id)
    cursor = timeline_cursor(request)
    reader = viewer(request)
    if query.pinned:
        page = timelines.pinned_timeline_stamps(reader, account, cursor)
    else:
        page = timelines.profile_timeline_stamps(
            reader,
            account,
            with_replies=not query.exclude_replies,
            only_media=query.only_media,
            with_reposts=not query.exclude_reblogs,
            tagged=query.tagged.strip() or None,
            cursor=cursor,
        )
    return statuses_from_stamps(request, reader, page, "account")


# --- Actions -------------------------------------------------------------------------------


class FollowIn(Schema):
    reblogs: Flag = True
    notify: Flag = False
    languages: list[str] | None = None


@router.post("/{account_id}/follow", response=RelationshipOut, auth=token("write:follows"))
def follow(request: HttpRequest, account_id: str) -> RelationshipOut:
    """Follows, or asks to when the account approves followers (`requested: true`)."""
    data = parse_body(request, FollowIn)
    target = access_account(account_id)
    ratelimit.limit(request, "follow", member=caller(request).user)
    graph_services.follow(actor=me(request), target=target, show_reposts=data.reblogs)
    return relationship_with(me(request), target.pk)


@router.post("/{account_id}/unfollow", response=RelationshipOut, auth=token("write:follows"))
def unfollow(request: HttpRequest, account_id: str) -> RelationshipOut:
    target = access_account(account_id)
    graph_services.unfollow(actor=me(request), target=target)
    return relationship_with(me(request), target.pk)


@router.post(
    "/{account_id}/remove_from_followers", response=RelationshipOut, auth=token("write:follows")
)
def remove_from_followers(request: HttpRequest, account_id: str) -> RelationshipOut:
    target = access_account(account_id)
    graph_services.follower_remove(actor=me(request), follower=target)
    return relationship_with(me(request), target.pk)


@router.post("/{account_id}/block", response=RelationshipOut, auth=token("write:blocks"))
def block(request: HttpRequest, account_id: str) -> RelationshipOut:
    target = access_account(account_id)
    graph_services.block(actor=me(request), target=target)
    return relationship_with(me(request), target.pk)


@router.post("/{account_id}/unblock", response=RelationshipOut, auth=token("write:blocks"))
def unblock(request: HttpRequest, account_id: str) -> RelationshipOut:
    target = access_account(account_id)
    graph_services.unblock(actor=me(request), target=target)
    return relationship_with(me(request), target.pk)


class MuteIn(Schema):
    notifications: Flag = True
    #: Seconds; timed mutes aren't supported yet, so a mute always lasts until undone.
    duration: int | str | None = 0


@router.post("/{account_id}/mute", response=RelationshipOut, auth=token("write:mutes"))
def mute(request: HttpRequest, account_id: str) -> RelationshipOut:
    data = parse_body(request, MuteIn)
    target = access_account(account_id)
    graph_services.mute(actor=me(request), target=target, hide_notifications=data.notifications)
    return relationship_with(me(request), target.pk)


@router.post("/{account_id}/unmute", response=RelationshipOut, auth=token("write:mutes"))
def unmute(request: HttpRequest, account_id: str) -> RelationshipOut:
    target = access_account(account_id)
    graph_services.unmute(actor=me(request), target=target)
    return relationship_with(me(request), target.pk)
