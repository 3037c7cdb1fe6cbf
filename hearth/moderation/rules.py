"""Reads of the instance-wide rules: the server rules and the blocked phrases. Both are read
on hot paths (every sign-up page, every post) and change rarely, so each is cached whole and
dropped when an admin changes a row (the post_save/post_delete receivers connected in
ModerationConfig.ready()). A cached read costs no query; a cold one costs one."""

import re
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from hearth.core.cache import BriefCopy
from hearth.moderation.models import BlockedPhrase, PhraseAction, ServerRule

CACHE_SECONDS = 24 * 60 * 60  # a safety net; changes invalidate explicitly
RULES_KEY = "moderation:server-rules:v1"
PHRASES_KEY = "moderation:blocked-phrases:v1"
#: How long a process screens posts with its own copy of the blocked phrases.
PHRASES_LOCAL_SECONDS = 5


@dataclass(frozen=True)
class Rule:
    id: int
    text: str
    hint: str


def server_rule_list() -> list[Rule]:
    """The server rules, in their order."""
    cached: list[Rule] | None = cache.get(RULES_KEY)
    if cached is not None:
        return cached
    rules = [Rule(id=row.pk, text=row.text, hint=row.hint) for row in ServerRule.objects.all()]
    cache.set(RULES_KEY, rules, CACHE_SECONDS)
    return rules


def server_rule_ids_unknown(rule_ids: list[int]) -> list[int]:
    """Those of `rule_ids` that are not server rules."""
    known = {rule.id for rule in server_rule_list()}
    return [pk for pk in rule_ids if pk not in known]


@dataclass(frozen=True)
class PhraseMatcher:
    #: None when there is no phrase of that kind.
    reject: re.Pattern[str] | None
    hold: re.Pattern[str] | None


#: This process's copy of the matcher (blocked_phrase_matcher).
_PHRASES_HERE: BriefCopy[PhraseMatcher] = BriefCopy(PHRASES_LOCAL_SECONDS)


def blocked_phrase_matcher() -> PhraseMatcher:
    """One compiled, case-insensitive expression per action, for all the blocked phrases.
    Every post is screened with it: each process keeps the matcher PHRASES_LOCAL_SECONDS
    after reading it from the shared cache (one round trip a post less), so a change reaches
    the other processes' screening within that time; this process drops its copy at once."""
    return _PHRASES_HERE.get(_shared_matcher)


def phrases_forget() -> None:
    """A phrase changed: drop the shared matcher and this process's copy."""
    cache.delete(PHRASES_KEY)
    _PHRASES_HERE.clear()


def _shared_matcher() -> PhraseMatcher:
    cached: PhraseMatcher | None = cache.get(PHRASES_KEY)
    if cached is not None:
        return cached
    patterns: dict[str, list[str]] = {PhraseAction.REJECT: [], PhraseAction.HOLD: []}
    for phrase in BlockedPhrase.objects.all():
        if phrase.phrase.strip():
            patterns[phrase.action].append(phrase.pattern())

    def compiled(found: list[str]) -> re.Pattern[str] | None:
        return re.compile("|".join(f"(?:{p})" for p in found), re.IGNORECASE) if found else None

    matcher = PhraseMatcher(
        reject=compiled(patterns[PhraseAction.REJECT]), hold=compiled(patterns[PhraseAction.HOLD])
    )
    cache.set(PHRASES_KEY, matcher, CACHE_SECONDS)
    return matcher


def on_rule_changed(sender: Any, **kwargs: Any) -> None:
    cache.delete(RULES_KEY)


def on_phrase_changed(sender: Any, **kwargs: Any) -> None:
    phrases_forget()
