"""Why an action on a post was refused. Each error carries a message fit to show the member.

Bad input to post_create / post_edit (empty text, too long, unknown visibility) is reported with
Django's ValidationError keyed by field instead, so forms can show it next to the field.
"""


class PostActionError(Exception):
    """An action on a post that cannot be done. `message` is safe to show as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PostUnavailableError(PostActionError):
    """The post does not exist or the actor may not see it (the two look the same)."""

    def __init__(self, message: str = "That post is not available.") -> None:
        super().__init__(message)


class NotAuthorError(PostActionError):
    """Only the post's author may do this (edit, delete, pin)."""


class ReblogNotAllowedError(PostActionError):
    """Followers-only and direct posts cannot be reposted."""


class PinNotAllowedError(PostActionError):
    """Not one's own post, a repost, a direct post, or the pin limit is reached."""
