"""Writes to the social graph: follows, follow requests, blocks and mutes. The only place that
changes them, and so the only place that keeps Account.followers_count and following_count right.

Every change between two accounts first locks both Account rows (see `_lock_pair`), so changes to
one pair happen one after the other and a follow can never slip in beside a block. Signals go out
only after commit (hearth.graph.signals). The Account instances passed in are not refreshed: read
the counters again from the database when you need them after a change.
"""

from typing import Literal

from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest

from hearth.accounts.models import Account, User
from hearth.core.cache import forget
from hearth.core.compiled import counter
from hearth.graph import signals
from hearth.graph.errors import BlockedError, FollowRequestNotFoundError, SelfRelationshipError
from hearth.graph.models import Block, Follow, FollowRequest, Mute
from hearth.graph.selectors import relationships_stamp_key

FollowResult = Literal["following", "requested"]


@transaction.atomic
def follow(*, actor: Account, target: Account, show_reposts: bool = True) -> FollowResult:
    """`actor` follows `target`, or asks to when `target` is locked.

    Returns "following" or "requested". Asking again, or following someone already followed, is
    harmless: it only updates `show_reposts`. Raises SelfRelationshipError for oneself and
    BlockedError when either account blocks the other.
    """
    _refuse_self(actor, target, "You can’t follow yourself.")
    target_locked = _lock_pair(actor, target)[target.pk]
    _refuse_blocked(actor, target)
    updated = Follow.objects.filter(follower=actor, target=target).update(show_reposts=show_reposts)
    if updated:
        return "following"
    if target_locked:
        _, created = FollowRequest.objects.update_or_create(
            follower=actor, target=target, defaults={"show_reposts": show_reposts}
        )
        if created:
            signals.send_on_commit(
                signals.follow_requested,
                FollowRequest,
                follower_id=actor.pk,
                target_id=target.pk,
            )
        return "requested"
    _follow_create(follower_id=actor.pk, target_id=target.pk, show_reposts=show_reposts)
    return "following"


@transaction.atomic
def unfollow(*, actor: Account, target: Account) -> None:
    """`actor` stops following `target`, or withdraws a pending request. Harmless if neither."""
    _lock_pair(actor, target)
    _follow_delete(follower_id=actor.pk, target_id=target.pk)
    FollowRequest.objects.filter(follower=actor, target=target).delete()


@transaction.atomic
def follow_request_accept(*, actor: Account, requester: Account) -> None:
    """`actor` lets `requester` follow them. Only the account asked can accept: the request is
    looked up as one made to `actor`, so anyone else gets FollowRequestNotFoundError."""
    _lock_pair(actor, requester)
    request = _follow_request_take(actor=actor, requester=requester)
    # No block check: blocking deletes pending requests and refuses new ones, under the same
    # pair lock, so a request that still exists is between two accounts that don't block.
    _follow_create(follower_id=requester.pk, target_id=actor.pk, show_reposts=request.show_reposts)


@transaction.atomic
def follow_request_reject(*, actor: Account, requester: Account) -> None:
    """`actor` turns down `requester`'s request. Raises FollowRequestNotFoundError if none."""
    _lock_pair(actor, requester)
    _follow_request_take(actor=actor, requester=requester)


@transaction.atomic
def follow_requests_accept_all(*, actor: Account) -> int:
    """Accept every pending request made to `actor` (for when they unlock their account).
    Returns how many were accepted."""
    requester_ids = FollowRequest.objects.filter(target=actor).values_list("follower_id")
    accepted = 0
    for requester in Account.objects.filter(pk__in=requester_ids):
        try:
            follow_request_accept(actor=actor, requester=requester)
        except FollowRequestNotFoundError:
            continue  # withdrawn since the list was read
        accepted += 1
    return accepted


@transaction.atomic
def follower_remove(*, actor: Account, follower: Account) -> None:
    """`actor` makes `follower` stop following them. Harmless if `follower` doesn't follow."""
    _lock_pair(actor, follower)
    _follow_delete(follower_id=follower.pk, target_id=actor.pk)


@transaction.atomic
def block(*, actor: Account, target: Account) -> None:
    """`actor` blocks `target`: follows and pending requests between them end, both ways.

    Blocking again is harmless. Raises SelfRelationshipError for oneself.
    """
    _refuse_self(actor, target, "You can’t block yourself.")
    _lock_pair(actor, target)
    _, created = Block.objects.get_or_create(account=actor, target=target)
    _follow_delete(follower_id=actor.pk, target_id=target.pk)
    _follow_delete(follower_id=target.pk, target_id=actor.pk)
    FollowRequest.objects.filter(_pair_q("follower", "target", actor, target)).delete()
    if created:
        signals.send_on_commit(signals.blocked, Block, account_id=actor.pk, target_id=target.pk)


@transaction.atomic
def unblock(*, actor: Account, target: Account) -> None:
    """`actor` no longer blocks `target`. Ended follows stay ended. Harmless if not blocked."""
    _relationships_changed(actor, target)
    Block.objects.filter(account=actor, target=target).delete()


@transaction.atomic
def mute(
    *,
    actor: Account,
    target: Account,
    reposts_only: bool = False,
    hide_notifications: bool | None = None,
) -> None:
    """`actor` hides `target` from their feeds: everything, or with `reposts_only` their reposts.

    `hide_notifications` defaults to True for a full mute and False for a reposts-only one.
    Muting again replaces the options. Raises SelfRelationshipError for oneself.
    """
    _refuse_self(actor, target, "You can’t mute yourself.")
    if hide_notifications is None:
        hide_notifications = not reposts_only
    Mute.objects.update_or_create(
        account=actor,
        target=target,
        defaults={"reposts_only": reposts_only, "hide_notifications": hide_notifications},
    )


@transaction.atomic
def unmute(*, actor: Account, target: Account) -> None:
    """`actor` no longer mutes `target`. Harmless if not muted."""
    Mute.objects.filter(account=actor, target=target).delete()


def account_relationships_erase(user: User, /) -> None:
    """Before a member's accounts are erased (an ACCOUNT_ERASERS hook, so positional): take
    their follows off the counters of the accounts at the other end. The rows themselves go with
    the cascade. No signals: the account and everything it did disappears as a whole."""
    accounts = Account.objects.filter(user=user)
    Account.objects.filter(outbound_follows__target__in=accounts).update(
        following_count=Greatest(F("following_count") - 1, 0)
    )
    Account.objects.filter(inbound_follows__follower__in=accounts).update(
        followers_count=Greatest(F("followers_count") - 1, 0)
    )


# --- Helpers --------------------------------------------------------------------------------


def _lock_pair(a: Account, b: Account) -> dict[int, bool]:
    """Lock both accounts' rows until commit; return each one's current `locked` flag by id.

    Rows are locked in id order, so two changes to one pair wait for each other instead of
    deadlocking. Without the lock, a follow could find no block, a block commit meanwhile
    (finding no follow to delete), and the follow then be saved across the block. On SQLite,
    where FOR UPDATE does nothing, transactions begin IMMEDIATE and writers take turns anyway.
    """
    _relationships_changed(a, b)
    rows = (
        Account.objects.select_for_update()
        .filter(pk__in=(a.pk, b.pk))
        .order_by("pk")
        .values_list("pk", "locked")
    )
    return dict(rows)


def _relationships_changed(*accounts: Account) -> None:
    """Forget these accounts' relationships stamps (hearth.graph.selectors), now and again at
    commit: a read in between may have cached something under the old stamp."""
    forget([relationships_stamp_key(account.pk) for account in accounts])


def _pair_q(left: str, right: str, a: Account, b: Account) -> Q:
    """Rows between `a` and `b` in either direction."""
    return Q(**{left: a, right: b}) | Q(**{left: b, right: a})


def _refuse_self(actor: Account, target: Account, message: str) -> None:
    if actor.pk == target.pk:
        raise SelfRelationshipError(message)


def _refuse_blocked(actor: Account, target: Account) -> None:
    blockers = set(
        Block.objects.filter(_pair_q("account", "target", actor, target)).values_list(
            "account_id", flat=True
        )
    )
    if actor.pk in blockers:
        raise BlockedError(f"You’ve blocked @{target.username}. Unblock them first.")
    if blockers:
        raise BlockedError(f"You can’t follow @{target.username}.")


def _follow_create(*, follower_id: int, target_id: int, show_reposts: bool) -> None:
    # get_or_create retries the read when a concurrent insert wins the unique pair, so even
    # without the pair lock a follow is counted once.
    _, created = Follow.objects.get_or_create(
        follower_id=follower_id, target_id=target_id, defaults={"show_reposts": show_reposts}
    )
    if created:
        _counters_add(follower_id=follower_id, target_id=target_id, delta=1)
        signals.send_on_commit(
            signals.followed, Follow, follower_id=follower_id, target_id=target_id
        )


def _follow_delete(*, follower_id: int, target_id: int) -> None:
    deleted, _ = Follow.objects.filter(follower_id=follower_id, target_id=target_id).delete()
    if deleted:
        _counters_add(follower_id=follower_id, target_id=target_id, delta=-1)
        signals.send_on_commit(
            signals.unfollowed, Follow, follower_id=follower_id, target_id=target_id
        )


def _counters_add(*, follower_id: int, target_id: int, delta: Literal[1, -1]) -> None:
    """Move both counters by one in SQL, so concurrent changes add up instead of overwriting
    each other; a counter that drifted never goes negative (hearth.core.compiled.counter)."""
    _FOLLOWING.run([follower_id], delta)
    _FOLLOWERS.run([target_id], delta)


_FOLLOWING = counter(Account, "following_count")
_FOLLOWERS = counter(Account, "followers_count")


def _follow_request_take(*, actor: Account, requester: Account) -> FollowRequest:
    """Delete and return the pending request from `requester` to `actor`."""
    request = FollowRequest.objects.filter(follower=requester, target=actor).first()
    if request is None:
        raise FollowRequestNotFoundError(
            f"There’s no pending follow request from @{requester.username}."
        )
    request.delete()
    return request
