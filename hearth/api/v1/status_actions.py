"""/api/v1/statuses/:id/<action>: favourite, reblog, bookmark, pin (and their undos), who
favourited and who reblogged; and /api/v1/polls, which Hearth doesn't have.

Each action answers with the status as it is afterwards, for the caller: `favourited`,
`reblogged`, ... and the counters already moved. A reblog answers with the wrapper (the repost,
whose `reblog` is the original); undoing one answers with the original. The rules (who may
reblog what, the pin limit) are hearth.posts.services'; a refusal there is a 4xx here.
"""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from hearth.api.auth import me, token, token_optional, viewer
from hearth.api.errors import ApiError
from hearth.api.pagination import page_by_relation, set_link
from hearth.api.schemas.account import AccountOut, account_out
from hearth.api.schemas.common import context_for
from hearth.api.schemas.status import StatusOut
from hearth.api.v1.statuses import fresh_status
from hearth.posts import selectors, services

router = Router(tags=["statuses"])
polls = Router(tags=["polls"])


def _original_id(post_id: int, reblog_of_id: int | None) -> int:
    return reblog_of_id if reblog_of_id is not None else post_id


@router.post("/{status_id}/favourite", response=StatusOut, auth=token("write:favourites"))
def favourite(request: HttpRequest, status_id: str) -> StatusOut:
    post = selectors.access_post(me(request), status_id)
    services.favourite(actor=me(request), post=post)
    return fresh_status(request, post.pk)


@router.post("/{status_id}/unfavourite", response=StatusOut, auth=token("write:favourites"))
def unfavourite(request: HttpRequest, status_id: str) -> StatusOut:
    post = selectors.access_post(me(request), status_id)
    services.unfavourite(actor=me(request), post=post)
    return fresh_status(request, post.pk)


@router.post("/{status_id}/reblog", response=StatusOut, auth=token("write:statuses"))
def reblog(request: HttpRequest, status_id: str) -> StatusOut:
    """Repost; the answer is the repost wrapping the original. Reposting twice returns the
    same repost."""
    post = selectors.access_post(me(request), status_id)
    repost = services.reblog(actor=me(request), post=post)
    return fresh_status(request, repost.pk)  # reloaded: the original's counter moved


@router.post("/{status_id}/unreblog", response=StatusOut, auth=token("write:statuses"))
def unreblog(request: HttpRequest, status_id: str) -> StatusOut:
    post = selectors.access_post(me(request), status_id)
    services.unreblog(actor=me(request), post=post)
    return fresh_status(request, _original_id(post.pk, post.reblog_of_id))


@router.post("/{status_id}/bookmark", response=StatusOut, auth=token("write:bookmarks"))
def bookmark(request: HttpRequest, status_id: str) -> StatusOut:
    post = selectors.access_post(me(request), status_id)
    services.bookmark(actor=me(request), post=post)
    return fresh_status(request, post.pk)


@router.post("/{status_id}/unbookmark", response=StatusOut, auth=token("write:bookmarks"))
def unbookmark(request: HttpRequest, status_id: str) -> StatusOut:
    post = selectors.access_post(me(request), status_id)
    services.unbookmark(actor=me(request), post=post)
    return fresh_status(request, post.pk)


@router.post("/{status_id}/pin", response=StatusOut, auth=token("write:accounts"))
def pin(request: HttpRequest, status_id: str) -> StatusOut:
    post = selectors.access_post(me(request), status_id)
    services.pin(actor=me(request), post=post)
    return fresh_status(request, post.pk)


@router.post("/{status_id}/unpin", response=StatusOut, auth=token("write:accounts"))
def unpin(request: HttpRequest, status_id: str) -> StatusOut:
    post = selectors.access_post(me(request), status_id)
    services.unpin(actor=me(request), post=post)
    return fresh_status(request, post.pk)


# --- Who interacted ------------------------------------------------------------------------


@router.get(
    "/{status_id}/favourited_by",
    response=list[AccountOut],
    auth=token_optional("read:accounts"),
)
def favourited_by(request: HttpRequest, response: HttpResponse, status_id: str) -> list[AccountOut]:
    """Who liked it, most recent first, paged by the like (follow the Link header)."""
    post = selectors.access_post(viewer(request), status_id)
    accounts = selectors.post_favourited_by(viewer(request), post)
    page = page_by_relation(accounts, request, relation_id="favourites__id")
    set_link(response, request, page)
    ctx = context_for(request)
    return [account_out(account, ctx) for account in page.items]


@router.get(
    "/{status_id}/reblogged_by",
    response=list[AccountOut],
    auth=token_optional("read:accounts"),
)
def reblogged_by(request: HttpRequest, response: HttpResponse, status_id: str) -> list[AccountOut]:
    """Who reposted it, most recent first, paged by the repost."""
    post = selectors.access_post(viewer(request), status_id)
    accounts = selectors.post_reblogged_by(viewer(request), post)
    page = page_by_relation(accounts, request, relation_id="posts__id")
    set_link(response, request, page)
    ctx = context_for(request)
    return [account_out(account, ctx) for account in page.items]


# --- Polls ---------------------------------------------------------------------------------


@polls.get("/{poll_id}", response={404: dict[str, str]}, auth=token_optional("read:statuses"))
def poll(request: HttpRequest, poll_id: str) -> None:
    """Hearth posts have no polls, so no poll id exists (posting one is refused with 422)."""
    raise ApiError(404, "Record not found")


@polls.post("/{poll_id}/votes", response={404: dict[str, str]}, auth=token("write:statuses"))
def vote(request: HttpRequest, poll_id: str) -> None:
    raise ApiError(404, "Record not found")
