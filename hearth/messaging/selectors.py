"""Reads of conversations: a member's inbox and one conversation's messages.

Nobody sees a conversation they are not in (`access_conversation` answers 404, never 403), and
every message shown passes hearth.posts.selectors.posts_visible_to: a block or a deleted
account hides its messages here as everywhere.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from hearth.accounts.models import Account
from hearth.accounts.selectors import account_list_visible
from hearth.messaging.models import ConversationMember, ConversationPost
from hearth.posts.models import Post
from hearth.posts.selectors import POST_RELATED, PostView, hydrate, posts_by_ids, posts_visible_to

#: Messages a conversation page shows (the newest ones, oldest first).
MESSAGES_SHOWN = 100
_LARGEST_ID = 2**63 - 1


@dataclass(frozen=True, slots=True)
class ConversationView:
    """One conversation as `viewer` sees it in the inbox."""

    id: int
    unread: bool
    #: The other participants, by username (empty when the viewer wrote only to themself).
    others: tuple[Account, ...]
    #: The newest message the viewer may see.
    last: PostView | None


def conversations_for(viewer: Account) -> QuerySet[ConversationMember]:
    """The viewer's conversations that show: not hidden, newest message first; lazy, to
    paginate by `last_status_id`. The newest message must still be visible to the viewer."""
    last_visible = Exists(posts_visible_to(viewer).filter(pk=OuterRef("last_status_id")))
    return (
        ConversationMember.objects.filter(
            last_visible, account=viewer, hidden=False, last_status_id__isnull=False
        )
        .select_related("account")
        .order_by("-last_status_id")
    )


def access_conversation(viewer: Account, conversation_id: int | str) -> ConversationMember:
    """The viewer's side of this conversation, if they are in it and haven't hidden it;
    Http404 otherwise (someone else's conversation, a missing one, an id that is not a
    number)."""
    try:
        pk = int(conversation_id)
    except (TypeError, ValueError):
        raise Http404("No such conversation.") from None
    found = (
        conversations_for(viewer).filter(conversation_id=pk).first()
        if 0 < pk <= _LARGEST_ID
        else None
    )
    if found is None:
        raise Http404("No such conversation.")
    return found


def conversation_views(
    viewer: Account, members: Sequence[ConversationMember]
) -> list[ConversationView]:
    """Views of a page of the viewer's conversations, in order. Constant queries however many:
    the participants, the newest messages, then hydrate's."""
    conversation_ids = [member.conversation_id for member in members]
    others: dict[int, list[Account]] = defaultdict(list)
    rows = (
        ConversationMember.objects.filter(conversation_id__in=conversation_ids)
        .exclude(account=viewer)
        .filter(account__in=account_list_visible(viewer=None).values("pk"))
        .select_related("account")
        .order_by("account__username")
    )
    for row in rows:
        others[row.conversation_id].append(row.account)
    posts = posts_by_ids(viewer, [m.last_status_id for m in members if m.last_status_id])
    views = {view.post.pk: view for view in hydrate(viewer, posts)}
    return [
        ConversationView(
            id=member.conversation_id,
            unread=member.unread,
            others=tuple(others.get(member.conversation_id, ())),
            last=views.get(member.last_status_id) if member.last_status_id else None,
        )
        for member in members
    ]


def conversation_messages(viewer: Account, member: ConversationMember) -> list[Post]:
    """The conversation's newest MESSAGES_SHOWN messages the viewer may see, oldest first,
    loaded for hydrate. One query."""
    in_conversation = ConversationPost.objects.filter(conversation_id=member.conversation_id)
    newest = list(
        posts_visible_to(viewer)
        .filter(pk__in=in_conversation.values("post_id"))
        .select_related(*POST_RELATED)
        .order_by("-id")[:MESSAGES_SHOWN]
    )
    newest.reverse()
    return newest
