"""Writes for moderation: editing the policy pages, the blocked words and phrases and the server
rules."""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from hearth.accounts.models import User
from hearth.moderation.models import (
    ActionKind,
    BlockedPhrase,
    ModerationAction,
    PhraseAction,
    PolicyPage,
    PolicySlug,
    PolicyVersion,
    ServerRule,
)
from hearth.moderation.roles import is_admin, is_moderator
from hearth.moderation.rules import RULES_KEY, phrases_forget
from hearth.moderation.selectors import policy_cache_key, policy_latest_version

MAX_POLICY_LENGTH = 100_000
MAX_PHRASE_LENGTH = BlockedPhrase._meta.get_field("phrase").max_length or 200
MAX_RULE_LENGTH = ServerRule._meta.get_field("text").max_length or 300
MAX_RULE_HINT_LENGTH = ServerRule._meta.get_field("hint").max_length or 1000


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


def blocked_phrase_audit(
    *, kind: ActionKind, actor: User, phrase: BlockedPhrase, before: BlockedPhrase | None = None
) -> None:
    """Write a change to the blocked phrases to the audit log (this page's and the Django
    admin's: hearth.moderation.admin); for a change, the phrase and its settings before and after
    (`before` is the row as it was)."""
    reason = _describe(phrase)
    if kind == ActionKind.PHRASE_CHANGE and before is not None:
        reason = f"{_describe(before)} → {reason}"
    ModerationAction.objects.create(
        kind=kind,
        moderator_id=actor.pk,
        moderator_username=actor.username,
        reason=reason,
    )


def _forget_phrases() -> None:
    """Drop the cached matcher now and again after commit: the post_save/post_delete receivers
    drop it inside the transaction, and a post screened before the commit may cache the old set."""
    phrases_forget()
    transaction.on_commit(phrases_forget)


def _check_phrase(*, phrase: str, action: str, blocked: BlockedPhrase | None = None) -> str:
    """The phrase as stored (_clean_phrase), or ValidationError keyed by "phrase" (empty, too
    long, or already listed in any letter case, other than `blocked` itself) or "action"."""
    phrase = _clean_phrase(phrase)
    if not phrase:
        raise ValidationError({"phrase": "Enter a word or phrase."})
    if len(phrase) > MAX_PHRASE_LENGTH:
        raise ValidationError(
            {"phrase": f"Keep it under {MAX_PHRASE_LENGTH} characters (it has {len(phrase)})."}
        )
    if action not in PhraseAction.values:
        raise ValidationError({"action": "Choose what to do with a post that uses it."})
    same = BlockedPhrase.objects.filter(phrase__iexact=phrase)
    if blocked is not None:
        same = same.exclude(pk=blocked.pk)
    existing = same.first()
    if existing is not None:
        raise ValidationError({"phrase": f"“{existing.phrase}” is already blocked."})
    return phrase


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
    phrase = _check_phrase(phrase=phrase, action=action)
    blocked = BlockedPhrase.objects.create(phrase=phrase, whole_word=whole_word, action=action)
    blocked_phrase_audit(kind=ActionKind.PHRASE_BLOCK, actor=actor, phrase=blocked)
    _forget_phrases()
    return blocked


@transaction.atomic
def blocked_phrase_update(
    *, actor: User, phrase: BlockedPhrase, text: str, action: str
) -> BlockedPhrase:
    """Change a blocked phrase's words or what happens to a post using it (refuse or hold), from
    the next post on, and write it to the audit log; saving it unchanged writes nothing. Posts
    already held stay held. Raises as blocked_phrase_add (its own text, in another letter case,
    is not a duplicate)."""
    if not is_moderator(actor):
        raise PermissionDenied
    text = _check_phrase(phrase=text, action=action, blocked=phrase)
    if (text, action) == (phrase.phrase, phrase.action):
        return phrase
    before = BlockedPhrase(
        pk=phrase.pk, phrase=phrase.phrase, whole_word=phrase.whole_word, action=phrase.action
    )
    phrase.phrase, phrase.action = text, action
    phrase.save(update_fields=["phrase", "action"])
    blocked_phrase_audit(kind=ActionKind.PHRASE_CHANGE, actor=actor, phrase=phrase, before=before)
    _forget_phrases()
    return phrase


@transaction.atomic
def blocked_phrase_remove(*, actor: User, phrase: BlockedPhrase) -> None:
    """Stop blocking `phrase` (posts already held stay held) and write it to the audit log.
    Raises PermissionDenied for a non-moderator."""
    if not is_moderator(actor):
        raise PermissionDenied
    blocked_phrase_audit(kind=ActionKind.PHRASE_UNBLOCK, actor=actor, phrase=phrase)
    phrase.delete()
    _forget_phrases()


# --- Server rules -------------------------------------------------------------------------------
# The community's policy, so admins edit them (as they edit the policy pages), not moderators.


def _rule_place(rule: ServerRule) -> tuple[int, int]:
    """Where `rule` is in the list, counting from 1, and how many rules there are."""
    rules = ServerRule.objects.all()
    before = rules.filter(
        Q(position__lt=rule.position) | Q(position=rule.position, id__lt=rule.pk)
    ).count()
    return before + 1, rules.count()


def server_rule_audit(
    *, kind: ActionKind, actor: User, rule: ServerRule, before: ServerRule | None = None
) -> None:
    """Write a change to the server rules to the audit log (this page's and the Django admin's:
    hearth.moderation.admin), with the rule's text in "why": for a change, the text before and
    after (`before` is the row as it was); for a move, where the rule is now."""
    reason = f"“{rule.text}”"
    if kind == ActionKind.RULE_CHANGE and before is not None:
        if before.text != rule.text:
            reason = f"“{before.text}” → “{rule.text}”"
        if before.hint != rule.hint:
            reason += " (explanation changed)"
    elif kind == ActionKind.RULE_MOVE:
        place, total = _rule_place(rule)
        reason += f" (now {place} of {total})"
    ModerationAction.objects.create(
        kind=kind, moderator_id=actor.pk, moderator_username=actor.username, reason=reason
    )


def _forget_rules() -> None:
    """Drop the cached rules now and again after commit (as _forget_phrases): the sign-up and
    about pages and the instance API read them from the cache."""
    cache.delete(RULES_KEY)
    transaction.on_commit(lambda: cache.delete(RULES_KEY))


def _clean_rule(*, text: str, hint: str, rule: ServerRule | None = None) -> tuple[str, str]:
    """The text on one line and the hint without stray spaces, or ValidationError keyed by "text"
    (empty, too long, or a rule already listed, in any letter case) or "hint" (too long)."""
    text = " ".join(text.replace("\x00", "").split())
    hint = hint.replace("\x00", "").replace("\r\n", "\n").strip()
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = "Write the rule."
    elif len(text) > MAX_RULE_LENGTH:
        errors["text"] = f"Keep it under {MAX_RULE_LENGTH} characters (it has {len(text)})."
    else:
        same = ServerRule.objects.filter(text__iexact=text)
        if rule is not None:
            same = same.exclude(pk=rule.pk)
        if same.exists():
            errors["text"] = "That is already one of the rules."
    if len(hint) > MAX_RULE_HINT_LENGTH:
        errors["hint"] = (
            f"Keep the explanation under {MAX_RULE_HINT_LENGTH} characters (it has {len(hint)})."
        )
    if errors:
        raise ValidationError(errors)
    return text, hint


@transaction.atomic
def server_rule_add(*, actor: User, text: str, hint: str = "") -> ServerRule:
    """Add a server rule at the end of the list, shown at once wherever the rules are, and write it
    to the audit log. Raises PermissionDenied for anyone but an admin, ValidationError keyed by
    "text" or "hint" on bad input (see _clean_rule)."""
    if not is_admin(actor):
        raise PermissionDenied
    text, hint = _clean_rule(text=text, hint=hint)
    last = ServerRule.objects.order_by("-position").values_list("position", flat=True).first()
    rule = ServerRule.objects.create(text=text, hint=hint, position=(last or 0) + 1)
    server_rule_audit(kind=ActionKind.RULE_ADD, actor=actor, rule=rule)
    _forget_rules()
    return rule


@transaction.atomic
def server_rule_update(*, actor: User, rule: ServerRule, text: str, hint: str = "") -> ServerRule:
    """Change a rule's text and explanation (its id stays, so reports citing it still do) and
    write it to the audit log; saving it unchanged writes nothing. Raises as server_rule_add."""
    if not is_admin(actor):
        raise PermissionDenied
    text, hint = _clean_rule(text=text, hint=hint, rule=rule)
    if (text, hint) == (rule.text, rule.hint):
        return rule
    before = ServerRule(pk=rule.pk, text=rule.text, hint=rule.hint, position=rule.position)
    rule.text, rule.hint = text, hint
    rule.save(update_fields=["text", "hint"])
    server_rule_audit(kind=ActionKind.RULE_CHANGE, actor=actor, rule=rule, before=before)
    _forget_rules()
    return rule


@transaction.atomic
def server_rule_move(*, actor: User, rule: ServerRule, up: bool) -> ServerRule:
    """Swap `rule` with the one above it (`up`) or below it, numbering the rules 1, 2, 3... on the
    way, and write it to the audit log. The first rule moved up, or the last down, stays put and
    writes nothing. Raises PermissionDenied for anyone but an admin."""
    if not is_admin(actor):
        raise PermissionDenied
    rules = list(ServerRule.objects.select_for_update().order_by("position", "id"))
    at = next((i for i, row in enumerate(rules) if row.pk == rule.pk), None)
    if at is None:
        return rule
    to = at - 1 if up else at + 1
    if not 0 <= to < len(rules):
        return rule
    rules[at], rules[to] = rules[to], rules[at]
    for number, row in enumerate(rules, start=1):
        row.position = number
    ServerRule.objects.bulk_update(rules, ["position"])  # no post_save: _forget_rules below
    rule.position = rules[to].position
    server_rule_audit(kind=ActionKind.RULE_MOVE, actor=actor, rule=rule)
    _forget_rules()
    return rule


@transaction.atomic
def server_rule_remove(*, actor: User, rule: ServerRule) -> None:
    """Remove a rule from the list and write it, with its text, to the audit log. Reports that
    cited it keep its id. Raises PermissionDenied for anyone but an admin."""
    if not is_admin(actor):
        raise PermissionDenied
    server_rule_audit(kind=ActionKind.RULE_REMOVE, actor=actor, rule=rule)
    rule.delete()
    _forget_rules()
