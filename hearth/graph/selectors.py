"""Reads of the social graph. Hot paths (a page of posts or accounts) ask in one query, whatever
the number of accounts on the page; the lists of followers and follows apply who may see them.

`viewer` is the Account looking, or None for someone logged out.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import BooleanField, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Greatest

from hearth.accounts.models import Account
from hearth.accounts.selectors import account_list_visible
from hearth.core.cache import REDIS_DOWN
from hearth.graph.models import Block, Follow, FollowRequest, Mute


@dataclass(frozen=True, slots=True)
class Relationship:
    """How the viewer and one other account stand, from the viewer's side."""

    following: bool = False
    followed_by: bool = False
    requested: bool = False  # the viewer asked to follow them; not answered yet
    requested_by: bool = False  # they asked to follow the viewer
    blocking: bool = False
    blocked_by: bool = False
    muting: bool = False
    #: The viewer's mute hides only their reposts (or, with `muting` False, nothing at all).
    muting_reposts_only: bool = False
    muting_notifications: bool = False
    #: The viewer's home feed includes their reposts (meaningful while following).
    showing_reposts: bool = False

    @property
    def friends(self) -> bool:
        """Each follows the other."""
        return self.following and self.followed_by

    @property
    def badge(self) -> str | None:
        """The one short label a profile shows about this relationship, if any."""
        if self.blocking:
            return "Blocked"
        if self.friends:
            return "Friends"
        if self.followed_by:
            return "Follows you"
        if self.requested_by:
            return "Wants to follow you"
        if self.requested:
            return "Requested"
        return None


NO_RELATIONSHIP = Relationship()

#: How long a relationships stamp lives when nothing changes (a new one is then drawn).
STAMP_SECONDS = 24 * 60 * 60


def relationships_stamp_key(account_id: int) -> str:
    return f"graph:stamp:{account_id}"


def relationships_stamp(account_id: int) -> str:
    """A token that changes whenever a follow, follow request or block at either end of which
    `account_id` stands is made or undone (hearth.graph.services forgets it): put it in the
    key of a cached value that depends on the account's relationships, and a change makes a
    new key. One cache read."""
    key = relationships_stamp_key(account_id)
    stamp: str | None = cache.get(key)
    if stamp is None:
        drawn = secrets.token_hex(8)
        try:
            cache.add(key, drawn, STAMP_SECONDS)
        except REDIS_DOWN:  # the cache is unreachable: nothing is cached under any stamp
            return drawn
        stamp = cache.get(key) or drawn
    return stamp


# Row kinds in the one query `relationships` makes.
_FOLLOW, _REQUEST, _BLOCK, _MUTE = range(4)


def relationships(
    *, viewer: Account | None, targets: Iterable[Account | int]
) -> dict[int, Relationship]:
    """The viewer's relationship with each target (Accounts or ids), keyed by target id.

    One query for any number of targets (none for no targets or no viewer): the four tables
    are read as one UNION ALL of the rows between the viewer and the targets.
    """
    ids = {target if isinstance(target, int) else target.pk for target in targets}
    if viewer is None or not ids:
        return dict.fromkeys(ids, NO_RELATIONSHIP)
    rows = _relationship_rows(viewer.pk, ids)
    found: dict[int, dict[str, bool]] = {target_id: {} for target_id in ids}
    for kind, source_id, target_id, flag, flag2 in rows:
        outbound = source_id == viewer.pk
        facts = found[target_id if outbound else source_id]
        if kind == _FOLLOW:
            facts["following" if outbound else "followed_by"] = True
            if outbound:
                facts["showing_reposts"] = bool(flag)
        elif kind == _REQUEST:
            facts["requested" if outbound else "requested_by"] = True
        elif kind == _BLOCK:
            facts["blocking" if outbound else "blocked_by"] = True
        else:
            facts["muting"] = not flag2
            facts["muting_reposts_only"] = bool(flag2)
            facts["muting_notifications"] = bool(flag)
    return {target_id: Relationship(**facts) for target_id, facts in found.items()}


def _relationship_rows(viewer_id: int, ids: set[int]) -> list[tuple[int, int, int, bool, bool]]:
    """(kind, source id, destination id, flag, flag2) for every row between viewer and targets.

    flag is Follow.show_reposts or Mute.hide_notifications; flag2 is Mute.reposts_only.
    """
    false = Value(False, output_field=BooleanField())
    follows = _rows(Follow, _FOLLOW, "follower_id", viewer_id, ids, F("show_reposts"), false)
    requests = _rows(FollowRequest, _REQUEST, "follower_id", viewer_id, ids, false, false)
    blocks = _rows(Block, _BLOCK, "account_id", viewer_id, ids, false, false)
    mutes = _rows(
        Mute, _MUTE, "account_id", viewer_id, ids, F("hide_notifications"), F("reposts_only")
    )
    # Mutes are private: only the viewer's own count, never whether a target muted the viewer.
    mutes = mutes.filter(source=viewer_id)
    return list(follows.union(requests, blocks, mutes, all=True))


def _rows(
    model: type[Follow | FollowRequest | Block | Mute],
    kind: int,
    source: str,
    viewer_id: int,
    ids: set[int],
    flag: F | Value,
    flag2: F | Value,
) -> QuerySet[Any, tuple[int, int, int, bool, bool]]:
    return (
        model._default_manager.annotate(
            kind=Value(kind, output_field=IntegerField()),
            source=F(source),
            dest=F("target_id"),
            flag=flag,
            flag2=flag2,
        )
        .filter(Q(source=viewer_id, dest__in=ids) | Q(dest=viewer_id, source__in=ids))
        .values_list("kind", "source", "dest", "flag", "flag2")
    )


# --- Filters for feeds and notifications -----------------------------------------------------


def is_blocked_between(*, a_id: int, b_id: int) -> bool:
    """Does either account block the other? One query."""
    return Block.objects.filter(
        Q(account_id=a_id, target_id=b_id) | Q(account_id=b_id, target_id=a_id)
    ).exists()


def blocked_account_ids(*, viewer: Account | None) -> set[int]:
    """Accounts hidden from the viewer by a block, whichever of the two made it. One query."""
    if viewer is None:
        return set()
    rows = Block.objects.filter(Q(account=viewer) | Q(target=viewer)).values_list(
        "account_id", "target_id"
    )
    return {target_id if account_id == viewer.pk else account_id for account_id, target_id in rows}


def muted_account_ids(*, viewer: Account | None) -> set[int]:
    """Accounts whose posts and reposts the viewer's feeds leave out (full mutes). One query."""
    if viewer is None:
        return set()
    return set(
        Mute.objects.filter(account=viewer, reposts_only=False).values_list("target_id", flat=True)
    )


def reposts_hidden_account_ids(*, viewer: Account | None) -> set[int]:
    """Accounts whose reposts the viewer's feeds leave out: reposts-only mutes, and follows with
    show_reposts off (full mutes are in muted_account_ids). One query."""
    if viewer is None:
        return set()
    mutes = Mute.objects.filter(account=viewer, reposts_only=True).values_list("target_id")
    follows = Follow.objects.filter(follower=viewer, show_reposts=False).values_list("target_id")
    return {target_id for (target_id,) in mutes.union(follows)}


def notifications_muted_account_ids(*, viewer: Account | None) -> set[int]:
    """Accounts whose actions should not notify the viewer. One query."""
    if viewer is None:
        return set()
    return set(
        Mute.objects.filter(account=viewer, hide_notifications=True).values_list(
            "target_id", flat=True
        )
    )


# --- Lists -------------------------------------------------------------------------------------


def network_visible_to(*, account: Account, viewer: Account | None) -> bool:
    """May the viewer see whom `account` follows and who follows it? The owner always may;
    others may unless the owner hides these lists (`Account.hide_network`).
    """
    if viewer is not None and viewer.pk == account.pk:
        return True
    return not account.hide_network


def followers_of(*, account: Account, viewer: Account | None) -> QuerySet[Account]:
    """Who follows `account`, most recent follow first, as the viewer may see it."""
    accounts = _listable(account=account, viewer=viewer).filter(outbound_follows__target=account)
    return accounts.order_by("-outbound_follows__id")


def following_of(*, account: Account, viewer: Account | None) -> QuerySet[Account]:
    """Whom `account` follows, most recent follow first, as the viewer may see it."""
    accounts = _listable(account=account, viewer=viewer).filter(inbound_follows__follower=account)
    return accounts.order_by("-inbound_follows__id")


def friends_of(*, account: Account, viewer: Account | None) -> QuerySet[Account]:
    """Accounts that `account` follows and that follow it back, newest friendship first."""
    accounts = _listable(account=account, viewer=viewer).filter(
        inbound_follows__follower=account, outbound_follows__target=account
    )
    # A friendship begins with the later of its two follows; ids are time-ordered.
    return accounts.annotate(
        friends_since_id=Greatest("inbound_follows__id", "outbound_follows__id")
    ).order_by("-friends_since_id")


def _listable(*, account: Account, viewer: Account | None) -> QuerySet[Account]:
    """Accounts that can appear in `account`'s lists for the viewer: visible ones (not being
    deleted, not suspended), none at all if the lists are hidden from the viewer or a block
    stands between the viewer and the owner, and never one with a block between it and the
    viewer. The checks are subqueries, so a page of a list is still one query."""
    if not network_visible_to(account=account, viewer=viewer):
        return Account.objects.none()
    # account_list_visible's viewer is a User and ignores it so far: blocks live up here, in
    # the graph, which the accounts app cannot import.
    accounts = account_list_visible(viewer=None)
    if viewer is None:
        return accounts
    accounts = accounts.exclude(_blocks_with(viewer, OuterRef("pk")))
    if viewer.pk != account.pk:
        # A block between the viewer and the owner hides the owner's lists altogether.
        accounts = accounts.filter(~_blocks_with(viewer, account.pk))
    return accounts


def _blocks_with(viewer: Account, other: OuterRef | int) -> Exists:
    return Exists(
        Block.objects.filter(Q(account=viewer, target=other) | Q(account=other, target=viewer))
    )


def follow_requests_for(*, account: Account) -> QuerySet[FollowRequest]:
    """Pending requests to follow `account`, newest first, each with its `follower` loaded."""
    return (
        FollowRequest.objects.filter(
            target=account, follower__in=account_list_visible(viewer=None).values("pk")
        )
        .select_related("follower")
        .order_by("-id")
    )


def blocks_of(*, account: Account) -> QuerySet[Account]:
    """Accounts `account` blocks, most recent block first (for its own settings page)."""
    return Account.objects.filter(inbound_blocks__account=account).order_by("-inbound_blocks__id")


def mutes_of(*, account: Account) -> QuerySet[Mute]:
    """`account`'s mutes with their options, most recent first, each with `target` loaded."""
    return Mute.objects.filter(account=account).select_related("target").order_by("-id")
