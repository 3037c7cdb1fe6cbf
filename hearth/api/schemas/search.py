"""Search results and the Tag entity (Mastodon) from hearth.search's rows."""

from collections.abc import Sequence
from typing import Any

from hearth.api.schemas.account import AccountOut
from hearth.api.schemas.common import Context, Out
from hearth.api.schemas.status import StatusOut
from hearth.posts.models import Hashtag


class TagOut(Out):
    id: str
    name: str
    url: str
    #: Daily use counts; Hearth doesn't count them yet, so always [].
    history: list[dict[str, Any]]
    following: bool | None = None


class SearchOut(Out):
    accounts: list[AccountOut]
    statuses: list[StatusOut]
    hashtags: list[TagOut]


def tag_out(tag: Hashtag, ctx: Context) -> TagOut:
    return TagOut(id=str(tag.pk), name=tag.name, url=ctx.absolute(f"/tags/{tag.name}"), history=[])


def search_out(
    *, accounts: Sequence[AccountOut], statuses: Sequence[StatusOut], hashtags: Sequence[TagOut]
) -> SearchOut:
    return SearchOut(accounts=list(accounts), statuses=list(statuses), hashtags=list(hashtags))
