"""List (Mastodon entity) from a hearth.timelines List."""

from hearth.api.schemas.common import Out
from hearth.timelines.models import List


class ListOut(Out):
    id: str
    title: str
    replies_policy: str
    exclusive: bool


def list_out(list_: List) -> ListOut:
    return ListOut(
        id=str(list_.pk),
        title=list_.title,
        replies_policy=list_.replies_policy,
        exclusive=list_.exclusive,
    )
