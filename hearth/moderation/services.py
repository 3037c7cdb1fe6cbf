"""Writes for moderation: editing the policy pages and the blocked words and phrases."""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from hearth.accounts.models import User
from hearth.moderation.models import (
    ActionKind,
    BlockedPhrase,
    ModerationAction,
    PhraseAction,
    PolicyPage,
    PolicySlug,
    PolicyVersion,
)
from hearth.moderation.roles import is_moderator
from hearth.moderation.rules import PHRASES_KEY
from hearth.moderation.selectors import policy_cache_key, policy_latest_version

MAX_POLICY_LENGTH = 100_000
MAX_PHRASE_LENGTH = BlockedPhrase._meta.get_field("phrase").max_length or 200


@transaction.atomic
def policy_update(*, slug: str, body: str, editor: User | None, note: str = "") -> PolicyVersion:
    """Save a new version of a policy page (Markdown with {placeholders}) and show it at once.

    Saving the text already in force adds no version and returns the current one. Raises
    ValidationError for an unknown page or an empty or oversized text.
    """
    if slug not in PolicySlug.values:
        raise ValidationError({"slug": f"There is no policy page called “{slug}”."})
    page_slug = PolicySlug(slug)
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError({"body": "The page can’t be empty."})
    if len(body) > MAX_POLICY_LENGTH:
        raise ValidationError(
            {
                "body": f"Keep the page under {MAX_POLICY_LENGTH:,} characters "
                f"(it has {len(body):,})."
            }
        )
    current = policy_latest_version(page_slug)
    if current is not None and current.body == body:
        return current
    page, _ = PolicyPage.objects.get_or_create(slug=page_slug.value)
    version = PolicyVersion.objects.create(page=page, body=body, editor=editor, note=note.strip())
    _forget_rendered(page_slug)
    # Again after commit: a reader between this delete and the commit may have cached the old text.
    transaction.on_commit(lambda: _forget_rendered(page_slug))
    return version


def _forget_rendered(slug: PolicySlug) -> None:
    keys = [policy_cache_key(slug)]
    if slug == PolicySlug.GUIDELINES:
        keys.append(policy_cache_key(slug, part="rules"))
    cache.delete_many(keys)


# --- Blocked words and phrases ------------------------------------------------------------------


def _clean_phrase(phrase: str) -> str:
    """The phrase as stored: one space between words. Matching already treats any run of spaces
    as any other (BlockedPhrase.pattern), so "buy  followers" is the same phrase as "buy
    followers" and must count as a duplicate of it."""
    return " ".join(phrase.replace("\x00", "").split())


def _describe(phrase: BlockedPhrase) -> str:
    """The phrase and its settings in words, for the audit log's "why" column."""
    where = "whole word" if phrase.whole_word else "anywhere in a word"
    return f"“{phrase.phrase}” ({where}; {PhraseAction(phrase.action).label.lower()})"


def blocked_phrase_audit(*, kind: ActionKind, actor: User, phrase: BlockedPhrase) -> None:
    """Write a change to the blocked phrases to the audit log (this page's and the Django
    admin's: hearth.moderation.admin)."""
    ModerationAction.objects.create(
        kind=kind,
        moderator_id=actor.pk,
        moderator_username=actor.username,
        reason=_describe(phrase),
    )


def _forget_phrases() -> None:
    """Drop the cached matcher now and again after commit: the post_save/post_delete receivers
    drop it inside the transaction, and a post screened before the commit may cache the old set."""
    cache.delete(PHRASES_KEY)
    transaction.on_commit(lambda: cache.delete(PHRASES_KEY))


@transaction.atomic
def blocked_phrase_add(
    *, actor: User, phrase: str, whole_word: bool = True, action: str = PhraseAction.HOLD
) -> BlockedPhrase:
    """Block a word or phrase in new and edited posts (refuse them, or hold them for review),
    from the next post on, and write it to the audit log.

    Raises PermissionDenied for a non-moderator, ValidationError keyed by "phrase" for an empty,
    oversized or already listed phrase (in any letter case, since matching ignores it) and by
    "action" for an unknown action.
    """
    if not is_moderator(actor):
        raise PermissionDenied
    phrase = _clean_phrase(phrase)
    if not phrase:
        raise ValidationError({"phrase": "Enter a word or phrase."})
    if len(phrase) > MAX_PHRASE_LENGTH:
        raise ValidationError(
            {"phrase": f"Keep it under {MAX_PHRASE_LENGTH} characters (it has {len(phrase)})."}
        )
    if action not in PhraseAction.values:
        raise ValidationError({"action": "Choose what to do with a post that uses it."})
    existing = BlockedPhrase.objects.filter(phrase__iexact=phrase).first()
    if existing is not None:
        raise ValidationError({"phrase": f"“{existing.phrase}” is already blocked."})
    blocked = BlockedPhrase.objects.create(phrase=phrase, whole_word=whole_word, action=action)
    blocked_phrase_audit(kind=ActionKind.PHRASE_BLOCK, actor=actor, phrase=blocked)
    _forget_phrases()
    return blocked


@transaction.atomic
def blocked_phrase_remove(*, actor: User, phrase: BlockedPhrase) -> None:
    """Stop blocking `phrase` (posts already held stay held) and write it to the audit log.
    Raises PermissionDenied for a non-moderator."""
    if not is_moderator(actor):
        raise PermissionDenied
    blocked_phrase_audit(kind=ActionKind.PHRASE_UNBLOCK, actor=actor, phrase=phrase)
    phrase.delete()
    _forget_phrases()
