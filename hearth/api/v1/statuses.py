"""/api/v1/statuses: post, read, edit and delete statuses, and read their threads and history.

Every write goes through hearth.posts.services (the web's compose box calls the same
post_create and post_edit), every read through hearth.posts.selectors: `access_post` answers
404 for a post the caller may not see, never 403. The actions on a status (favourite, reblog,
bookmark, pin, who favourited) are in `status_actions.py`, on the same path.

Not here, on purpose: polls (Hearth posts have none: `poll` is refused with 422 and
/api/v1/polls/:id is 404), scheduled posts (`scheduled_at` is refused with 422), and
conversation mutes (`/mute`, `/unmute`: Hearth has no such thing, so the routes don't exist
and answer 404 like any unknown path).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema

from hearth.accounts.models import Account
from hearth.accounts.services import POSTING_LANGUAGES
from hearth.api.auth import me, token, token_optional, viewer
from hearth.api.errors import ApiError, validation_error
from hearth.api.filtering import apply_filters
from hearth.api.idempotency import post_once
from hearth.api.parsing import Flag, parse_body, parse_query
from hearth.api.schemas.common import context_for
from hearth.api.schemas.status import StatusOut, status_out
from hearth.api.schemas.status_edit import (
    ContextOut,
    StatusEditOut,
    StatusSourceOut,
    status_history_out,
    status_source_out,
)
from hearth.api.v1.lookups import parse_id
from hearth.core import ratelimit
from hearth.posts import selectors, services
from hearth.posts.models import Post
from hearth.posts.selectors import PostView

router = Router(tags=["statuses"])

#: At most this many ids are answered from one GET /api/v1/statuses; the rest are ignored.
MAX_STATUS_IDS = 40
#: The service's field names, as Mastodon's API calls them.
FIELD_NAMES = {"text": "status", "in_reply_to": "in_reply_to_id"}
REPLY_NOT_FOUND = "The post you are trying to reply to does not appear to exist."


# --- Helpers shared with status_actions ----------------------------------------------------


def view_of(request: HttpRequest, post: Post) -> PostView:
    """`post` hydrated for the caller (the post must be visible to them)."""
    (found,) = selectors.hydrate(viewer(request), [post])
    return found


def status_of(request: HttpRequest, post: Post, *, with_source: bool = False) -> StatusOut:
    return status_out(view_of(request, post), context_for(request), with_source=with_source)


def fresh_status(request: HttpRequest, post_id: int) -> StatusOut:
    """The status as it is now (counters move with actions), for the caller."""
    return status_of(request, selectors.access_post(viewer(request), post_id))


def _renamed(error: ValidationError) -> ApiError:
    return validation_error(
        {FIELD_NAMES.get(field, field): messages for field, messages in error.message_dict.items()}
    )


def _language(value: str | None, author: Account) -> str:
    """A posting language from what the client sent: `en`, `EN`, `en-GB` all mean `en`. An
    unknown one falls back to the member's default, as on Mastodon (clients send whatever
    their device's locale is)."""
    for candidate in (value or "", author.user.language if author.user else ""):
        code = candidate.strip().lower().replace("_", "-").split("-")[0]
        if code in POSTING_LANGUAGES:
            return code
    return ""


def _ids(value: list[int | str] | int | str | None) -> list[str]:
    """`media_ids` as sent (a list, or one id), without blanks."""
    items: list[int | str] = [] if value is None else value if isinstance(value, list) else [value]
    return [str(item).strip() for item in items if str(item).strip()]


# --- Posting -------------------------------------------------------------------------------


class StatusIn(Schema):
    status: str | None = None
    in_reply_to_id: int | str | None = None
    media_ids: list[int | str] | int | str | None = None
    sensitive: Flag = False
    spoiler_text: str | None = None
    visibility: str | None = None
    language: str | None = None
    scheduled_at: str | None = None
    poll: Any = None


def _refuse_unsupported(data: StatusIn) -> None:
    if data.poll not in (None, "", {}):
        raise validation_error({"poll": ["Polls are not supported on this server."]})
    if data.scheduled_at:
        raise validation_error({"scheduled_at": ["Scheduled posts are not supported yet."]})


def _reply_target(author: Account, in_reply_to_id: int | str | None) -> Post | None:
    if in_reply_to_id in (None, ""):
        return None
    try:
        return selectors.access_post(author, str(in_reply_to_id))
    except Http404:
        raise ApiError(404, REPLY_NOT_FOUND) from None


@router.post("", response=StatusOut, auth=token("write:statuses"))
def create(request: HttpRequest) -> StatusOut:
    """Post a status. With an `Idempotency-Key` header, a retry within the hour returns the
    status the first request made."""
    data = parse_body(request, StatusIn)
    _refuse_unsupported(data)
    author = me(request)
    parent = _reply_target(author, data.in_reply_to_id)
    user = author.user
    visibility = data.visibility or (user.default_visibility if user else "public")
    # The view publishing made of the new post (none when a retry finds the first one).
    made: list[PostView | None] = []

    def create_post() -> Post:
        try:
            published = services.post_publish(
                author=author,
                text=data.status or "",
                visibility=visibility,
                spoiler_text=data.spoiler_text or "",
                sensitive=data.sensitive,
                language=_language(data.language, author),
                in_reply_to=parent,
                media_ids=_ids(data.media_ids),
            )
        except ValidationError as error:
            raise _renamed(error) from None
        made.append(published.view)
        return published.post

    # Counted before the idempotency claim: a refused request must not leave a claim behind.
    ratelimit.limit(request, "message" if visibility == "direct" else "post", member=user)
    key = request.headers.get("Idempotency-Key", "").strip()
    post = post_once(author=author, key=key, create=create_post)[0] if key else create_post()
    view = made[0] if made and made[0] is not None else view_of(request, post)
    return status_out(view, context_for(request))


# --- Reading -------------------------------------------------------------------------------


class StatusesQuery(Schema):
    id: list[str] | str = []


@router.get("", response=list[StatusOut], auth=token_optional("read:statuses"))
def statuses(request: HttpRequest) -> list[StatusOut]:
    """Several statuses by `id[]`, in the order asked, leaving out what the caller may not
    see. Clamped, not refused: 10,000 ids get the first MAX_STATUS_IDS answered."""
    raw = parse_query(request, StatusesQuery).id
    asked = [raw] if isinstance(raw, str) else raw
    ids = [pk for pk in dict.fromkeys(map(parse_id, asked[: MAX_STATUS_IDS * 4])) if pk]
    found = selectors.posts_by_ids(viewer(request), ids[:MAX_STATUS_IDS])
    ctx = context_for(request)
    return [status_out(view, ctx) for view in selectors.hydrate(viewer(request), found)]


@router.get("/{status_id}", response=StatusOut, auth=token_optional("read:statuses"))
def detail(request: HttpRequest, status_id: str) -> StatusOut:
    return status_of(request, selectors.access_post(viewer(request), status_id))


@router.get("/{status_id}/context", response=ContextOut, auth=token_optional("read:statuses"))
def context(request: HttpRequest, status_id: str) -> ContextOut:
    """The thread: ancestors oldest first, then the replies depth first (each post's replies
    oldest first), both as the caller may see them. A constant number of queries."""
    looker = viewer(request)
    thread = selectors.post_context(looker, selectors.access_post(looker, status_id))
    above = len(thread.ancestors)
    views = selectors.hydrate(
        looker, [*thread.ancestors, *(reply.post for reply in thread.descendants)]
    )
    ctx = context_for(request)
    statuses = [status_out(view, ctx) for view in views]
    return ContextOut(
        ancestors=apply_filters(looker, "thread", statuses[:above]),
        descendants=apply_filters(looker, "thread", statuses[above:]),
    )


@router.get(
    "/{status_id}/history", response=list[StatusEditOut], auth=token_optional("read:statuses")
)
def history(request: HttpRequest, status_id: str) -> list[StatusEditOut]:
    looker = viewer(request)
    post = _shown(selectors.access_post(looker, status_id))
    edits = list(selectors.post_edits(looker, post))
    return status_history_out(view_of(request, post), edits, context_for(request))


@router.get("/{status_id}/source", response=StatusSourceOut, auth=token("read:statuses"))
def source(request: HttpRequest, status_id: str) -> StatusSourceOut:
    post = _shown(selectors.access_post(viewer(request), status_id))
    return status_source_out(view_of(request, post))


def _shown(post: Post) -> Post:
    """The original for a repost (access_post loaded it), else the post."""
    return post.reblog_of if post.reblog_of is not None else post


# --- Editing and deleting ------------------------------------------------------------------


class StatusEditIn(Schema):
    status: str | None = None
    spoiler_text: str | None = None
    sensitive: Flag | None = None
    media_ids: list[int | str] | int | str | None = None
    language: str | None = None
    poll: Any = None


@router.put("/{status_id}", response=StatusOut, auth=token("write:statuses"))
def edit(request: HttpRequest, status_id: str) -> StatusOut:
    """Edit the text, content warning or sensitivity; a field left out keeps its value.

    Hearth edits don't change photos or language (hearth.posts.services.post_edit): sending
    the post's current `media_ids` (as clients do on every edit) is fine, other photos are
    422; `language` is accepted and the post keeps its own.
    """
    data = parse_body(request, StatusEditIn)
    if data.poll not in (None, "", {}):
        raise validation_error({"poll": ["Polls are not supported on this server."]})
    editor = me(request)
    view = view_of(request, selectors.access_post(editor, status_id))
    post = view.post
    if data.media_ids is not None and _ids(data.media_ids) != [str(m.pk) for m in view.media]:
        raise validation_error({"media_ids": ["Changing a post's photos is not supported yet."]})
    spoiler_text = post.spoiler_text if data.spoiler_text is None else data.spoiler_text
    try:
        services.post_edit(
            post=post,
            editor=editor,
            text=post.text if data.status is None else data.status,
            spoiler_text=spoiler_text,
            sensitive=post.sensitive if data.sensitive is None else data.sensitive,
        )
    except ValidationError as error:
        raise _renamed(error) from None
    return fresh_status(request, post.pk)


@router.delete("/{status_id}", response=StatusOut, auth=token("write:statuses"))
def delete(request: HttpRequest, status_id: str) -> StatusOut:
    """Delete a status; the answer is the status as it was, with its `text` (clients offer
    "delete and redraft" from it)."""
    actor = me(request)
    post = selectors.access_post(actor, status_id)
    gone = status_of(request, post, with_source=True)
    services.post_delete(post=post, actor=actor)
    return gone
