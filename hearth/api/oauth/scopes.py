"""Mastodon's OAuth scopes, and how to describe them to a member on the approval page."""

from collections.abc import Iterable

from oauth2_provider.settings import oauth2_settings

from hearth.api.auth import scope_allows


def known_scopes() -> frozenset[str]:
    return frozenset(str(scope) for scope in oauth2_settings.SCOPES)


def parse_scopes(value: str | Iterable[str] | None, *, default: str = "read") -> list[str]:
    """Scopes from a string separated by spaces or `+`, or a list; in order, without repeats."""
    if value is None:
        raw = default
    elif isinstance(value, str):
        raw = value
    else:
        raw = " ".join(str(item) for item in value)
    words = raw.replace("+", " ").split() or default.split()
    return list(dict.fromkeys(words))


def covered(scopes: Iterable[str], *, by: Iterable[str]) -> bool:
    """Is every scope in `scopes` granted by the set `by` (a top scope covers its parts)?"""
    granted = frozenset(by)
    return all(scope_allows(granted, scope) for scope in scopes)


_DESCRIPTIONS = {
    "read": "See your posts, timelines, profile, followers, lists and notifications",
    "write": "Post, edit and delete on your behalf, change your profile, like, repost and bookmark",
    "follow": "Follow, unfollow, block and mute accounts for you",
    "push": "Send you push notifications",
    "profile": "See your basic profile (name, username, picture)",
}


def describe(scope: str) -> str:
    """A plain sentence for one scope, for the approval page."""
    if scope in _DESCRIPTIONS:
        return _DESCRIPTIONS[scope]
    action, _, subject = scope.partition(":")
    verb = "See" if action == "read" else "Change"
    return f"{verb} your {subject.replace('_', ' ')}"
