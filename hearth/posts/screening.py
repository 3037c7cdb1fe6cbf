"""Checks a post must pass before it is published: blocked phrases, the spam heuristic and
"approve this account's posts first" live in hearth.moderation, which sits above posts and so
can't be called from here. It registers its screeners into POST_SCREENERS from its
AppConfig.ready() (as hearth.accounts.housekeeping does for purge jobs).

post_create and post_edit call `screen` once the text is otherwise valid. A screener returns
ALLOW, `Verdict.reject(reason)` (the post is refused: the reason is shown next to the text) or
`Verdict.hold(reason)` (the post is stored with review_state "held": only its author sees it
until a moderator approves it). The strictest verdict wins.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum

from hearth.accounts.models import Account


class Outcome(IntEnum):
    """Ordered: the strictest outcome wins."""

    ALLOW = 0
    HOLD = 1
    REJECT = 2


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    reason: str = ""

    @classmethod
    def hold(cls, reason: str) -> "Verdict":
        return cls(Outcome.HOLD, reason)

    @classmethod
    def reject(cls, reason: str) -> "Verdict":
        return cls(Outcome.REJECT, reason)


ALLOW = Verdict(Outcome.ALLOW)


@dataclass(frozen=True)
class Draft:
    """A post about to be written."""

    author: Account
    text: str
    spoiler_text: str
    #: Accounts the text mentions.
    mention_ids: Sequence[int]
    #: The post being edited; None for a new post.
    post_id: int | None = None


Screener = Callable[[Draft], Verdict]

POST_SCREENERS: list[Screener] = []


def screen(draft: Draft) -> Verdict:
    """Run every registered screener; the strictest verdict (the first of equals) wins."""
    verdict = ALLOW
    for screener in POST_SCREENERS:
        found = screener(draft)
        if found.outcome > verdict.outcome:
            verdict = found
        if verdict.outcome == Outcome.REJECT:
            break
    return verdict
