"""Why a relationship change was refused. Each error carries a message fit to show the member."""


class RelationshipError(Exception):
    """A follow, block or mute that cannot be done. `message` is safe to show as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SelfRelationshipError(RelationshipError):
    """Following, blocking or muting oneself."""


class BlockedError(RelationshipError):
    """One of the two accounts blocks the other."""


class FollowRequestNotFoundError(RelationshipError):
    """No pending request from that account to the one answering: none was made, it was
    already answered or withdrawn, or the one answering is not the account it was made to."""
