"""Lists: a member's own timelines of some of the people they follow.

The writes (list_create, list_update, list_delete, list_members_add, list_members_remove) and
the reads (lists_of, access_list, list_members, lists_containing, list_timeline) both live here:
lists are a small feature and read best in one place. Only a list's owner ever sees it; someone
else's list is "not found" (Http404), never "forbidden".

A list's timeline is a pull query: its members' posts that the owner may see
(hearth.posts.selectors.posts_visible_to: blocks, followers-only and direct posts), without
muted accounts and hidden reposts, filtered by the list's replies policy. A member must be
followed (Mastodon's rule): adding anyone else is refused, and a follow ending (unfollow, block,
removal from followers) takes the account off the owner's lists (receivers.py). The query also
checks the follow, so a post can't slip in before that removal runs.
"""

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404

from hearth.accounts.models import Account
from hearth.accounts.selectors import account_list_visible
from hearth.core.pagination import paginate
from hearth.graph.models import Follow, Mute
from hearth.posts import selectors as posts
from hearth.posts.models import Post
from hearth.timelines.models import MAX_LIST_TITLE_LENGTH, List, ListMember
from hearth.timelines.selectors import Cursor, TimelinePage, hydrate_posts

#: How many lists one member may have (Mastodon's limit too).
MAX_LISTS = 50
#: How many accounts one list may hold.
MAX_LIST_MEMBERS = 1000
#: How many accounts one request may add or remove.
MAX_ACCOUNTS_PER_CHANGE = 100
_LARGEST_ID = 2**63 - 1


# --- Writes ------------------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": ["Give the list a title."]})
    if len(title) > MAX_LIST_TITLE_LENGTH:
        raise ValidationError(
            {"title": [f"Keep the title to {MAX_LIST_TITLE_LENGTH} characters or fewer."]}
        )
    return title


@transaction.atomic
def list_create(
    *,
    owner: Account,
    title: str,
    replies_policy: str = List.RepliesPolicy.LIST,
    exclusive: bool = False,
) -> List:
    """A new, empty list. ValidationError (by field) for a bad title or policy, or too many."""
    title = _clean_title(title)
    _check_policy(replies_policy)
    # Lock the owner's row so two requests at once can't both pass the count.
    Account.objects.select_for_update().filter(pk=owner.pk).first()
    if List.objects.filter(owner=owner).count() >= MAX_LISTS:
        raise ValidationError({"title": [f"You can have at most {MAX_LISTS} lists."]})
    return List.objects.create(
        owner=owner, title=title, replies_policy=replies_policy, exclusive=exclusive
    )


@transaction.atomic
def list_update(
    *,
    list_: List,
    title: str | None = None,
    replies_policy: str | None = None,
    exclusive: bool | None = None,
) -> List:
    """Changes what is given, leaves the rest."""
    if title is not None:
        list_.title = _clean_title(title)
    if replies_policy is not None:
        _check_policy(replies_policy)
        list_.replies_policy = replies_policy
    if exclusive is not None:
        list_.exclusive = exclusive
    list_.save()
    return list_


def _check_policy(value: str) -> None:
    if value not in List.RepliesPolicy.values:
        choices = ", ".join(List.RepliesPolicy.values)
        raise ValidationError({"replies_policy": [f"Choose one of: {choices}."]})


@transaction.atomic
def list_delete(*, list_: List) -> None:
    list_.delete()


@transaction.atomic
def list_members_add(*, list_: List, account_ids: Sequence[int]) -> None:
    """Adds these accounts; all or none. ValidationError on `account_ids` when one isn't an
    account the owner follows (missing or hidden accounts included), or the list would be too
    long. Adding a member again is harmless."""
    wanted = list(dict.fromkeys(account_ids))
    if len(wanted) > MAX_ACCOUNTS_PER_CHANGE:
        raise ValidationError(
            {"account_ids": [f"Add at most {MAX_ACCOUNTS_PER_CHANGE} accounts at a time."]}
        )
    followed = set(
        followed_accounts(owner_id=list_.owner_id)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    if len(followed) != len(wanted):
        raise ValidationError({"account_ids": ["You can only add accounts you follow."]})
    List.objects.select_for_update().filter(pk=list_.pk).first()
    present = set(
        ListMember.objects.filter(list=list_, account_id__in=wanted).values_list(
            "account_id", flat=True
        )
    )
    new = [pk for pk in wanted if pk not in present]
    if ListMember.objects.filter(list=list_).count() + len(new) > MAX_LIST_MEMBERS:
        raise ValidationError(
            {"account_ids": [f"A list can hold at most {MAX_LIST_MEMBERS} accounts."]}
        )
    ListMember.objects.bulk_create(
        [ListMember(list=list_, account_id=pk) for pk in new], ignore_conflicts=True
    )


@transaction.atomic
def list_members_remove(*, list_: List, account_ids: Iterable[int]) -> None:
    """Takes these accounts off the list; ones not on it are ignored."""
    ListMember.objects.filter(list=list_, account_id__in=list(account_ids)).delete()


def list_memberships_end(*, owner_id: int, account_id: int) -> None:
    """`owner_id` no longer follows `account_id`: it leaves all of the owner's lists."""
    ListMember.objects.filter(list__owner_id=owner_id, account_id=account_id).delete()


# --- Reads -------------------------------------------------------------------------------------


def lists_of(*, owner: Account) -> QuerySet[List]:
    """The owner's lists, by title (any letter case), then oldest first."""
    return List.objects.filter(owner=owner).order_by(Lower("title"), "id")


def access_list(*, owner: Account, list_id: object) -> List:
    """The owner's list with this id; Http404 when there is none, or it is someone else's."""
    try:
        pk = int(str(list_id))
    except ValueError:
        raise Http404("No such list.") from None
    if not 0 < pk <= _LARGEST_ID:
        raise Http404("No such list.")
    found = List.objects.filter(owner=owner, pk=pk).first()
    if found is None:
        raise Http404("No such list.")
    return found


def followed_accounts(*, owner_id: int) -> QuerySet[Account]:
    """The visible accounts `owner_id` follows: those a list may hold."""
    return account_list_visible(viewer=None).filter(inbound_follows__follower_id=owner_id)


def list_members(*, list_: List) -> QuerySet[Account]:
    """The accounts on the list that can be shown, most recently added first. Annotated with
    `membership_id` (the ListMember's id) to page by."""
    return (
        account_list_visible(viewer=None)
        .filter(list_memberships__list=list_)
        .annotate(membership_id=F("list_memberships__id"))
        .order_by("-membership_id")
    )


def lists_containing(*, owner: Account, account: Account) -> QuerySet[List]:
    """Which of the owner's lists `account` is on."""
    return lists_of(owner=owner).filter(members__account=account)


def list_timeline(viewer: Account, list_: List, cursor: Cursor = Cursor()) -> TimelinePage:  # noqa: B008
    """A page of the list's posts, newest first. The caller has checked that `viewer` owns the
    list (access_list). Constant queries: one for the page, then hydration."""
    page = paginate(
        list_posts(viewer, list_),
        max_id=cursor.max_id,
        min_id=cursor.min_id,
        since_id=cursor.since_id,
        limit=cursor.limit,
    )
    return TimelinePage(
        items=hydrate_posts(viewer, page.items),
        next_max_id=page.next_max_id,
        prev_min_id=page.prev_min_id,
    )


def list_posts(viewer: Account, list_: List) -> QuerySet[Post]:
    """The posts and reposts by the list's members that `viewer` may see, by its rules. One
    query, lazily: every condition is a subquery."""
    followed_members = ListMember.objects.filter(
        list=list_,
        account__in=Follow.objects.filter(follower=viewer).values("target_id"),
    ).values("account_id")
    muted = Mute.objects.filter(account=viewer, reposts_only=False).values("target_id")
    reposts_hidden = Q(reblog_of__isnull=False) & (
        Q(Exists(Mute.objects.filter(account=viewer, reposts_only=True, target=OuterRef("author"))))
        | Q(
            Exists(
                Follow.objects.filter(
                    follower=viewer, show_reposts=False, target=OuterRef("author")
                )
            )
        )
    )
    rows = (
        posts.posts_visible_to(viewer)
        .select_related(*posts.POST_RELATED)
        .filter(author_id__in=followed_members)
        .exclude(author_id__in=muted)
        .exclude(reblog_of__author_id__in=muted)
        .exclude(reposts_hidden)
    )
    return rows.filter(_replies_shown(viewer, list_))


def _replies_shown(viewer: Account, list_: List) -> Q:
    """Posts that aren't replies to someone else, or replies the list's policy lets through:
    replies to the owner always (as on Mastodon); to members, or to anyone followed."""
    not_a_reply = Q(in_reply_to_account__isnull=True) | Q(in_reply_to_account=F("author"))
    shown = not_a_reply | Q(in_reply_to_account=viewer)
    if list_.replies_policy == List.RepliesPolicy.LIST:
        members = ListMember.objects.filter(list=list_).values("account_id")
        shown |= Q(in_reply_to_account__in=members)
    elif list_.replies_policy == List.RepliesPolicy.FOLLOWED:
        followed = Follow.objects.filter(follower=viewer).values("target_id")
        shown |= Q(in_reply_to_account__in=followed)
    return shown
