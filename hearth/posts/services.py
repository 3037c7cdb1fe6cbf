"""Writes to posts: create, edit, delete, like, repost, bookmark, pin. The only place that
changes them, and so the only place that keeps the counters right (Post.replies_count,
reblogs_count, favourites_count and Account.posts_count, which counts reposts too, as on
Mastodon).

Counters move in SQL (F() expressions), so concurrent likes add up instead of overwriting each
other; Greatest(..., 0) keeps a counter that drifted from ever going negative. Every action is
idempotent: liking twice likes once, unliking what isn't liked does nothing.

Bad input to post_create and post_edit raises ValidationError keyed by field ("text",
"visibility", "spoiler_text", "language", "in_reply_to") with messages to show next to the
field; an action that is not allowed raises a hearth.posts.errors.PostActionError subclass.
Signals (hearth.posts.signals) go out only after commit.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, Lower
from django.utils import timezone

from hearth.accounts.models import Account, User
from hearth.accounts.models.user import Visibility
from hearth.accounts.selectors import account_list_visible
from hearth.accounts.services import POSTING_LANGUAGES
from hearth.core.compiled import CompiledInsert, CompiledQuery, counter
from hearth.media import services as media_services
from hearth.media.models import MediaAttachment
from hearth.posts import signals
from hearth.posts.errors import (
    NotAuthorError,
    PinNotAllowedError,
    PostActionError,
    PostUnavailableError,
    ReblogNotAllowedError,
)
from hearth.posts.models import (
    MAX_PINNED_POSTS,
    Bookmark,
    Favourite,
    Hashtag,
    Mention,
    Pin,
    Post,
    PostEdit,
    PostHashtag,
)
from hearth.posts.models.post import ModerationState
from hearth.posts.screening import ALLOW, Draft, Outcome, Verdict, screen
from hearth.posts.selectors import OPEN_VISIBILITIES, PostView, can_see, new_post_view
from hearth.posts.text import RenderedText, is_blank, render, text_length

SPOILER_MAX_LENGTH = 500
#: Every post is one of these INSERTs, compiled once (hearth.core.compiled).
_POST = CompiledInsert(Post)
_POST_HASHTAG = CompiledInsert(PostHashtag)


# --- Writing ---------------------------------------------------------------------------------


def post_create(
    *,
    author: Account,
    text: str,
    visibility: str,
    spoiler_text: str = "",
    sensitive: bool = False,
    language: str = "",
    in_reply_to: Post | None = None,
    media_ids: Sequence[int | str] = (),
) -> Post:
    """Publish a post by `author`, or a reply to `in_reply_to` (a repost stands for its original).

    The text is rendered to HTML once, here. A content warning marks the post sensitive.
    `media_ids` attaches up to four of the author's uploads (hearth.media), in that order; a
    post with photos may have no text. Raises ValidationError keyed by field, with every
    problem at once.
    """
    return post_publish(
        author=author,
        text=text,
        visibility=visibility,
        spoiler_text=spoiler_text,
        sensitive=sensitive,
        language=language,
        in_reply_to=in_reply_to,
        media_ids=media_ids,
    ).post


@dataclass(frozen=True, slots=True)
class Published:
    post: Post
    #: The new post as its author sees it, made from what publishing it knew; None when it
    #: mentions accounts or carries photos (hydrate it: hearth.posts.selectors.hydrate).
    view: PostView | None


@transaction.atomic
def post_publish(
    *,
    author: Account,
    text: str,
    visibility: str,
    spoiler_text: str = "",
    sensitive: bool = False,
    language: str = "",
    in_reply_to: Post | None = None,
    media_ids: Sequence[int | str] = (),
) -> Published:
    """post_create, also returning the post's view for its author, so an interface answering
    with the new post (the API's Status) needn't read back what was just written."""
    text, spoiler_text = _without_nul(text), _without_nul(spoiler_text)
    errors: dict[str, list[str]] = {}
    parent = _original(in_reply_to) if in_reply_to is not None else None
    if parent is not None and not can_see(author, parent):
        errors["in_reply_to"] = ["That post is not available."]
    if visibility not in Visibility.values:
        errors["visibility"] = ["Choose who can see this post."]
    if language and language not in POSTING_LANGUAGES:
        errors["language"] = ["Choose a language from the list."]
    media = _media_attachable(author, media_ids, errors)
    rendered, mention_ids = _check_content(
        text, spoiler_text, visibility, errors, allow_blank=bool(media)
    )
    verdict = _screen(Draft(author, text, spoiler_text, mention_ids), errors)
    if errors:
        raise ValidationError(errors)
    post = _POST.create(
        review_state=ModerationState.HELD if verdict.outcome == Outcome.HOLD else "",
        review_reason=_held_because(verdict),
        author=author,
        text=text,
        content_html=rendered.html,
        spoiler_text=spoiler_text,
        sensitive=sensitive or bool(spoiler_text),
        language=language,
        visibility=visibility,
        in_reply_to=parent,
        in_reply_to_account_id=parent.author_id if parent is not None else None,
    )
    if mention_ids:
        Mention.objects.bulk_create(Mention(post=post, account_id=pk) for pk in mention_ids)
    hashtags = _hashtags_link(post, rendered.hashtags)
    media_services.media_attach(post_id=post.pk, media=media)
    _posts_count_add([author.pk], 1)
    author.posts_count += 1  # as the row now says: the answer shows the post counted
    if parent is not None:
        _REPLIES.run([parent.pk], 1)
    signals.post_created_in_transaction.send(sender=Post, post_id=post.pk, is_reblog=False)
    signals.send_on_commit(
        signals.post_created,
        post_id=post.pk,
        author_id=author.pk,
        visibility=visibility,
        hashtags=rendered.hashtags,
        mentions=tuple(mention_ids),
        in_reply_to_account_id=post.in_reply_to_account_id,
    )
    return Published(post, None if mention_ids or media else new_post_view(post, hashtags))


@transaction.atomic
def post_edit(
    *, post: Post, editor: Account, text: str, spoiler_text: str, sensitive: bool
) -> Post:
    """Change a post's text, content warning or sensitivity; only its author may.

    The version it replaces is kept as a PostEdit, so readers can see what changed. Mentions and
    hashtags follow the new text. Saving it unchanged changes nothing. Returns the post as saved.
    Raises NotAuthorError, PostActionError for a repost, or ValidationError keyed by field.
    """
    text, spoiler_text = _without_nul(text), _without_nul(spoiler_text)
    current = Post.objects.select_for_update().filter(pk=post.pk).first()
    if current is None:
        raise PostUnavailableError()
    if current.author_id != editor.pk:
        raise NotAuthorError("You can only edit your own posts.")
    if current.reblog_of_id is not None:
        raise PostActionError("A repost can’t be edited.")
    errors: dict[str, list[str]] = {}
    has_media = MediaAttachment.objects.filter(post=current).exists()
    rendered, mention_ids = _check_content(
        text, spoiler_text, current.visibility, errors, allow_blank=has_media
    )
    sensitive = sensitive or bool(spoiler_text)
    before = (current.text, current.spoiler_text, current.sensitive)
    if before == (text, spoiler_text, sensitive) and not errors:
        return current
    verdict = _screen(Draft(editor, text, spoiler_text, mention_ids, post_id=current.pk), errors)
    if errors:
        raise ValidationError(errors)
    PostEdit.objects.create(
        post=current,
        text=current.text,
        spoiler_text=current.spoiler_text,
        sensitive=current.sensitive,
        content_html=current.content_html,
        created_at=current.edited_at or current.created_at,
    )
    current.text, current.spoiler_text, current.sensitive = text, spoiler_text, sensitive
    current.content_html = rendered.html
    current.edited_at = timezone.now()
    if verdict.outcome == Outcome.HOLD and current.review_state == ModerationState.NONE:
        current.review_state = ModerationState.HELD  # out of sight again until approved
        current.review_reason = _held_because(verdict)
    # Only these fields: the counters may have moved since the row was read.
    fields = ["text", "spoiler_text", "sensitive", "content_html", "edited_at", "review_state"]
    fields.append("review_reason")
    current.save(update_fields=fields)
    _mentions_replace(current, mention_ids)
    PostHashtag.objects.filter(post=current).delete()
    _hashtags_link(current, rendered.hashtags)
    signals.send_on_commit(signals.post_edited, post_id=current.pk)
    return current


@transaction.atomic
def post_delete(*, post: Post, actor: Account) -> None:
    """Delete a post (or a repost) and what hangs on it: its reposts, likes, bookmarks, pins,
    mentions and earlier versions. Replies stay, no longer attached. Only the author may, for
    now. Deleting what is already gone does nothing."""
    current = Post.objects.select_for_update().filter(pk=post.pk).first()
    if current is None:
        return
    if current.author_id != actor.pk:
        raise NotAuthorError("You can only delete your own posts.")
    _delete(current)


# --- Interactions ----------------------------------------------------------------------------


@transaction.atomic
def favourite(*, actor: Account, post: Post) -> None:
    """`actor` likes `post` (for a repost, the original). Raises PostUnavailableError if they
    may not see it."""
    original = _original(post)
    _require_visible(actor, original)
    _, created = Favourite.objects.get_or_create(account=actor, post=original)
    if created:
        _FAVOURITES.run([original.pk], 1)
        signals.send_on_commit(signals.favourited, post_id=original.pk, account_id=actor.pk)


@transaction.atomic
def unfavourite(*, actor: Account, post: Post) -> None:
    """`actor` no longer likes `post` (for a repost, the original)."""
    original = _original(post)
    deleted, _ = Favourite.objects.filter(account=actor, post=original).delete()
    if deleted:
        _FAVOURITES.run([original.pk], -1)
        signals.send_on_commit(signals.unfavourited, post_id=original.pk, account_id=actor.pk)


@transaction.atomic
def reblog(*, actor: Account, post: Post) -> Post:
    """`actor` reposts `post` (for a repost, the original); returns the repost, the existing
    one if they already had. Only public and unlisted posts can be reposted, and the repost
    keeps the original's visibility. Raises PostUnavailableError or ReblogNotAllowedError."""
    original = _original(post)
    _require_visible(actor, original)
    if original.visibility not in OPEN_VISIBILITIES:
        raise ReblogNotAllowedError("You can’t repost followers-only or direct posts.")
    existing = Post.objects.filter(author=actor, reblog_of=original).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            repost = Post.objects.create(
                author=actor, reblog_of=original, visibility=original.visibility
            )
    except IntegrityError:
        # The same repost was made concurrently and won the (author, reblog_of) constraint.
        return Post.objects.get(author=actor, reblog_of=original)
    _REBLOGS.run([original.pk], 1)
    _posts_count_add([actor.pk], 1)
    signals.post_created_in_transaction.send(sender=Post, post_id=repost.pk, is_reblog=True)
    signals.send_on_commit(
        signals.reblogged, reblog_id=repost.pk, original_id=original.pk, account_id=actor.pk
    )
    return repost


@transaction.atomic
def unreblog(*, actor: Account, post: Post) -> None:
    """`actor` takes back their repost of `post` (the original, or any repost of it)."""
    original = _original(post)
    repost = Post.objects.select_for_update().filter(author=actor, reblog_of=original).first()
    if repost is not None:
        _delete(repost)


@transaction.atomic
def bookmark(*, actor: Account, post: Post) -> None:
    """`actor` saves `post` (for a repost, the original). Raises PostUnavailableError if they
    may not see it."""
    original = _original(post)
    _require_visible(actor, original)
    Bookmark.objects.get_or_create(account=actor, post=original)


@transaction.atomic
def unbookmark(*, actor: Account, post: Post) -> None:
    Bookmark.objects.filter(account=actor, post=_original(post)).delete()


@transaction.atomic
def pin(*, actor: Account, post: Post) -> None:
    """Pin one of `actor`'s own public, unlisted or followers-only posts to their profile (at
    most MAX_PINNED_POSTS). Raises PinNotAllowedError."""
    if post.author_id != actor.pk:
        raise PinNotAllowedError("You can only pin your own posts.")
    if post.reblog_of_id is not None:
        raise PinNotAllowedError("You can’t pin a repost.")
    if post.visibility == Visibility.DIRECT:
        raise PinNotAllowedError("Posts for mentioned people only can’t be pinned.")
    # Lock the account row so two pins at once can't both find room for a fifth.
    list(Account.objects.select_for_update().filter(pk=actor.pk).values_list("pk"))
    if Pin.objects.filter(account=actor, post=post).exists():
        return
    if Pin.objects.filter(account=actor).count() >= MAX_PINNED_POSTS:
        raise PinNotAllowedError(
            f"You can pin up to {MAX_PINNED_POSTS} posts. Unpin one to pin this."
        )
    Pin.objects.create(account=actor, post=post)


@transaction.atomic
def unpin(*, actor: Account, post: Post) -> None:
    Pin.objects.filter(account=actor, post=post).delete()


# --- Erasing an account ----------------------------------------------------------------------


def account_posts_erase(user: User, /) -> None:
    """Before a member's accounts are erased (an ACCOUNT_ERASERS hook, so positional): take
    what they did off other people's counters. Their posts, likes, reposts and the reposts of
    their posts go with the cascade; no signals, as the account disappears as a whole."""
    accounts = Account.objects.filter(user=user).values("pk")
    Post.objects.filter(favourites__account__in=accounts).update(
        favourites_count=Greatest(F("favourites_count") - 1, 0)
    )
    Post.objects.filter(reblogs__author__in=accounts).exclude(author__in=accounts).update(
        reblogs_count=Greatest(F("reblogs_count") - 1, 0)
    )
    their_replies = Post.objects.filter(author__in=accounts, in_reply_to__isnull=False)
    replies = _count_per(their_replies.filter(in_reply_to=OuterRef("pk")), "in_reply_to")
    Post.objects.filter(pk__in=their_replies.values("in_reply_to_id")).exclude(
        author__in=accounts
    ).update(replies_count=Greatest(F("replies_count") - replies, 0))
    reposts_of_theirs = Post.objects.filter(reblog_of__author__in=accounts)
    reposts = _count_per(reposts_of_theirs.filter(author=OuterRef("pk")), "author")
    Account.objects.filter(pk__in=reposts_of_theirs.values("author_id")).exclude(
        pk__in=accounts
    ).update(posts_count=Greatest(F("posts_count") - reposts, 0))


def _count_per(rows: QuerySet[Post], column: str) -> Coalesce:
    """How many of `rows` (correlated to the outer row) there are, as a subquery."""
    return Coalesce(
        Subquery(rows.order_by().values(column).annotate(n=Count("pk")).values("n")), Value(0)
    )


# --- Helpers ---------------------------------------------------------------------------------


def _original(post: Post) -> Post:
    """The post a repost reposts, or the post itself."""
    if post.reblog_of_id is None:
        return post
    original = post.reblog_of
    assert original is not None  # noqa: S101  # reblog_of_id is set
    return original


def _without_nul(value: str) -> str:
    # PostgreSQL refuses NUL in text columns, and no one means to type one.
    return value.replace("\x00", "")


def _require_visible(actor: Account, post: Post) -> None:
    if not can_see(actor, post):
        raise PostUnavailableError()


def _media_attachable(
    author: Account, media_ids: Sequence[int | str], errors: dict[str, list[str]]
) -> list[MediaAttachment]:
    if not media_ids:
        return []
    try:
        return media_services.media_attachable(owner=author, media_ids=media_ids)
    except ValidationError as error:
        errors.update(error.message_dict)
        return []


def _check_content(
    text: str,
    spoiler_text: str,
    visibility: str,
    errors: dict[str, list[str]],
    *,
    allow_blank: bool = False,
) -> tuple[RenderedText, list[int]]:
    """Check the text and content warning, adding problems to `errors`; render the text.
    Returns the rendering and the ids of the accounts it mentions. `allow_blank`: the post has
    photos, which say enough on their own."""
    limit = settings.HEARTH_MAX_POST_CHARS
    if is_blank(text) and not allow_blank:
        errors["text"] = ["Write something to post."]
    elif (length := text_length(text)) > limit:
        errors["text"] = [f"Keep it to {limit} characters or fewer (this is {length})."]
    if len(spoiler_text) > SPOILER_MAX_LENGTH:
        errors["spoiler_text"] = [
            f"Keep the content warning to {SPOILER_MAX_LENGTH} characters or fewer."
        ]
    found: dict[str, tuple[int, str]] = {}

    def resolve(names: Iterable[str]) -> dict[str, str]:
        found.update(_accounts_named(names))
        return {lower: username for lower, (_, username) in found.items()}

    rendered = render(text, resolve_usernames=resolve)
    mention_ids = [found[username.lower()][0] for username in rendered.mentioned_usernames]
    if visibility == Visibility.DIRECT and not mention_ids and "text" not in errors:
        errors["text"] = [
            "Mention at least one person: a post for mentioned people only goes to them."
        ]
    return rendered, mention_ids


def _held_because(verdict: Verdict) -> str:
    """What the moderators' queue says about a held post: the screener's reason."""
    return verdict.reason[:300] if verdict.outcome == Outcome.HOLD else ""


def _screen(draft: Draft, errors: dict[str, list[str]]) -> Verdict:
    """Run the screeners (hearth.posts.screening) on a post otherwise valid; a rejection
    becomes an error on the text."""
    if errors:
        return ALLOW
    verdict = screen(draft)
    if verdict.outcome == Outcome.REJECT:
        errors["text"] = [verdict.reason]
    return verdict


def _accounts_named(names: Iterable[str]) -> dict[str, tuple[int, str]]:
    """{lower-cased username: (id, username)} for the visible accounts with these names. One
    query, on the unique index on LOWER(username)."""
    lowered = {name.lower() for name in names}
    if not lowered:
        return {}
    rows = (
        account_list_visible(viewer=None)
        .alias(username_lower=Lower("username"))
        .filter(username_lower__in=lowered)
        .values_list("pk", "username")
    )
    return {username.lower(): (pk, username) for pk, username in rows}


def _mentions_replace(post: Post, account_ids: Sequence[int]) -> None:
    Mention.objects.filter(post=post).exclude(account_id__in=account_ids).delete()
    existing = set(Mention.objects.filter(post=post).values_list("account_id", flat=True))
    Mention.objects.bulk_create(
        Mention(post=post, account_id=pk) for pk in account_ids if pk not in existing
    )


def _hashtags_link(post: Post, names: Sequence[str]) -> list[str]:
    """Tag `post` with `names` (tags new to the server are made); returns the tags' names as
    stored, in that order (the letter case they were first used in)."""
    if not names:
        return []
    known = _hashtags_named(names)
    tags = [known.get(name.lower()) or _hashtag_create(name) for name in names]
    if len(tags) == 1:  # most tagged posts: the compiled INSERT costs a third of bulk_create's
        _POST_HASHTAG.create(post=post, hashtag_id=tags[0][0])
    else:
        PostHashtag.objects.bulk_create(PostHashtag(post=post, hashtag_id=pk) for pk, _ in tags)
    return [stored for _, stored in tags]


def _hashtags_named(names: Sequence[str]) -> dict[str, tuple[int, str]]:
    """{lower-cased name: (id, name)} for the existing tags among `names`, in any letter case:
    one query, compared with SQL's LOWER() on both sides so it agrees with the unique index on
    LOWER(name). (Keyed by Python's lower(), which can differ from the database's for a few
    scripts: _hashtag_create then finds the tag when it fails to create it.)"""
    rows = _HASHTAGS_NAMED.rows(*dict.fromkeys(names))
    return {name.lower(): (pk, name) for pk, name in rows}


def _hashtags_named_query(*names: str) -> QuerySet[Any, tuple[Any, ...]]:
    lowered = [Lower(Value(name)) for name in names]
    rows: QuerySet[Any, tuple[Any, ...]] = (
        Hashtag.objects.alias(lower=Lower("name"))
        .filter(lower__in=lowered)
        .values_list("pk", "name")
    )
    return rows


#: Every post with tags looks them up: compiled once per number of names (hearth.core.compiled).
_HASHTAGS_NAMED = CompiledQuery(_hashtags_named_query)


def _hashtag_create(name: str) -> tuple[int, str]:
    """(id, name) of a new tag named `name` as typed; of the existing one in any letter case
    if the unique index on LOWER(name) says there is one (created concurrently)."""
    try:
        with transaction.atomic():
            tag = Hashtag.objects.create(name=name)
    except IntegrityError:
        tag = Hashtag.objects.alias(lower=Lower("name")).get(lower=Lower(Value(name)))
    return tag.pk, tag.name


def _posts_count_add(account_ids: Sequence[int], delta: int) -> None:
    if account_ids:
        _POSTS_COUNT.run(list(account_ids), delta)


#: The counters posting, replying, liking and reposting bump: compiled UPDATEs.
_POSTS_COUNT = counter(Account, "posts_count")
_REPLIES = counter(Post, "replies_count")
_FAVOURITES = counter(Post, "favourites_count")
_REBLOGS = counter(Post, "reblogs_count")


def _delete(post: Post) -> None:
    """Delete `post` and its reposts, settle the counters, signal each deletion on commit."""
    reposts = list(Post.objects.filter(reblog_of=post).values_list("pk", "author_id"))
    if post.in_reply_to_id is not None:
        _REPLIES.run([post.in_reply_to_id], -1)
    if post.reblog_of_id is not None:
        _REBLOGS.run([post.reblog_of_id], -1)
    _posts_count_add([post.author_id], -1)
    # One repost per account and post (a constraint), so each of these loses exactly one.
    _posts_count_add([author_id for _, author_id in reposts], -1)
    deleted = [(post.pk, post.author_id), *reposts]
    media_services.media_delete_for_posts(post_ids=[post.pk])  # files go on commit
    post.delete()
    for pk, author_id in deleted:
        signals.send_on_commit(signals.post_deleted, post_id=pk, author_id=author_id)
    if post.reblog_of_id is not None:
        signals.send_on_commit(
            signals.unreblogged,
            reblog_id=deleted[0][0],  # post.pk is None after delete()
            original_id=post.reblog_of_id,
            account_id=post.author_id,
        )
