"""Relationship (Mastodon entity) from hearth.graph's Relationship."""

from hearth.accounts.models import Account
from hearth.api.schemas.common import Out
from hearth.graph.selectors import Relationship, relationships


class RelationshipOut(Out):
    id: str
    following: bool
    showing_reblogs: bool
    notifying: bool
    languages: list[str] | None
    followed_by: bool
    blocking: bool
    blocked_by: bool
    muting: bool
    muting_notifications: bool
    requested: bool
    requested_by: bool
    domain_blocking: bool
    endorsed: bool
    note: str


def relationship_out(account_id: int, relation: Relationship) -> RelationshipOut:
    return RelationshipOut(
        id=str(account_id),
        following=relation.following,
        # Mastodon reports showing_reblogs for a pending request too (it carries the choice).
        showing_reblogs=(
            relation.showing_reposts and not relation.muting_reposts_only
            if relation.following
            else relation.requested
        ),
        notifying=False,
        languages=None,
        followed_by=relation.followed_by,
        blocking=relation.blocking,
        blocked_by=relation.blocked_by,
        # A reposts-only mute is not a mute in Mastodon's sense: it shows as showing_reblogs.
        muting=relation.muting,
        muting_notifications=relation.muting and relation.muting_notifications,
        requested=relation.requested,
        requested_by=relation.requested_by,
        domain_blocking=False,
        endorsed=False,
        note="",
    )


def relationship_with(viewer: Account, account_id: int) -> RelationshipOut:
    """The viewer's Relationship to one account, as endpoints acting on it return it."""
    return relationship_out(
        account_id, relationships(viewer=viewer, targets=[account_id])[account_id]
    )
