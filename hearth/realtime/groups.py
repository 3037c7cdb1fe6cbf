"""Channel-layer group names: who listens where.

Publishing is per *source* (an author, a hashtag, the public timeline), never per recipient, so
a post costs one message per group however many followers its author has, and nothing at all
when nobody is connected (see publish.py). Each consumer joins the groups of its sources and
decides, per message and with its own viewer, whether the event reaches it (events.py): the
visibility rules stay in hearth.posts.selectors.

Group names must be ASCII letters, digits, `-_.` and shorter than 100 characters: hashtags
(any script) are hashed.
"""

import hashlib

#: Posts (new, edited, deleted, reposts) by one account: joined by its followers' and its
#: own user streams.
AUTHOR = "hearth.author.{}"
#: Events for one account only: notifications, direct messages, follow changes.
ACCOUNT = "hearth.account.{}"
#: Public posts (new and edited): public and public:local streams.
PUBLIC = "hearth.public"
#: Every deleted post: public and hashtag streams (a delete carries only an id).
DELETES = "hearth.deletes"
#: A token: revoking it closes the streams opened with it.
TOKEN = "hearth.token.{}"  # noqa: S105  # a group name


def author(account_id: int) -> str:
    return AUTHOR.format(account_id)


def account(account_id: int) -> str:
    return ACCOUNT.format(account_id)


def token(token_id: int) -> str:
    return TOKEN.format(token_id)


def hashtag(name: str) -> str:
    digest = hashlib.sha256(name.removeprefix("#").casefold().encode("utf-8")).hexdigest()
    return f"hearth.tag.{digest[:40]}"
