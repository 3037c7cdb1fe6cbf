"""Writes for moderation: for now, editing the policy pages."""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction

from hearth.accounts.models import User
from hearth.moderation.models import PolicyPage, PolicySlug, PolicyVersion
from hearth.moderation.selectors import policy_cache_key, policy_latest_version

MAX_POLICY_LENGTH = 100_000


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
