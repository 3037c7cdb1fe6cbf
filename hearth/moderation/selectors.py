"""Reads for the policy pages and /about.

A policy page is read on every visit and changes a few times a year, so its rendered HTML is cached
(keyed by the placeholder values too, so a renamed server never shows its old name) and dropped by
`policy_update`. A cached page costs no query; a cold one costs one.
"""

import datetime
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache

from hearth.accounts.models import Account, User
from hearth.core.html import markdown_to_html
from hearth.moderation.defaults import (
    SHIPPED_ON,
    default_body,
    fill_placeholders,
    placeholder_values,
)
from hearth.moderation.models import PolicySlug, PolicyVersion

CACHE_SECONDS = 24 * 60 * 60  # a safety net; updates invalidate explicitly


@dataclass(frozen=True)
class RenderedPolicy:
    slug: str
    title: str
    #: Sanitized HTML, safe to mark as such in a template.
    html: str
    updated_on: datetime.date
    #: False while the server shows the text shipped with Hearth.
    edited: bool


def policy_cache_key(slug: PolicySlug, part: str = "page") -> str:
    values = "\x1f".join(placeholder_values().values())
    digest = hashlib.sha256(values.encode()).hexdigest()[:16]
    return f"policy:{slug.value}:{part}:{digest}"


def policy_latest_version(slug: PolicySlug) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(page_id=slug.value).order_by("-id").first()


def policy_body_get(*, slug: PolicySlug) -> str:
    """The Markdown currently in force, placeholders unfilled: what an editor starts from."""
    version = policy_latest_version(slug)
    return version.body if version is not None else default_body(slug)


def policy_get(*, slug: str) -> RenderedPolicy:
    """The page as shown: the newest saved version, else the shipped text. Raises ValueError
    for a slug that isn't a policy page."""
    page = PolicySlug(slug)
    key = policy_cache_key(page)
    cached: RenderedPolicy | None = cache.get(key)
    if cached is not None:
        return cached
    version = policy_latest_version(page)
    if version is None:
        body, updated_on, edited = default_body(page), SHIPPED_ON, False
    else:
        body, updated_on, edited = version.body, version.created_at.date(), True
    rendered = RenderedPolicy(
        slug=page.value,
        title=page.label,
        html=markdown_to_html(fill_placeholders(body)),
        updated_on=updated_on,
        edited=edited,
    )
    cache.set(key, rendered, CACHE_SECONDS)
    return rendered


_HEADING = re.compile(r"^## +(?P<title>.+?) *#*$", re.MULTILINE)


def markdown_section(body: str, *, title_contains: str) -> str | None:
    """The Markdown under the first level-2 heading whose text contains `title_contains`
    (case-insensitive), up to the next level-2 heading; None when there is no such heading."""
    headings = list(_HEADING.finditer(body))
    for index, heading in enumerate(headings):
        if title_contains.lower() in heading.group("title").lower():
            end = headings[index + 1].start() if index + 1 < len(headings) else len(body)
            return body[heading.end() : end].strip()
    return None


def server_rules_get() -> str | None:
    """The "Server rules" section of the community guidelines as HTML, for /about; None if an
    admin removed that heading (the page then just links to the guidelines)."""
    key = policy_cache_key(PolicySlug.GUIDELINES, part="rules")
    cached: str | None = cache.get(key)
    if cached is not None:
        return cached or None
    section = markdown_section(policy_body_get(slug=PolicySlug.GUIDELINES), title_contains="rules")
    html = markdown_to_html(fill_placeholders(section)) if section else ""
    cache.set(key, html, CACHE_SECONDS)  # "" caches the absence too
    return html or None


def server_member_count() -> int:
    """Accounts people can sign in to and that are not on their way out."""
    return User.objects.filter(is_active=True, deletion_scheduled_at__isnull=True).count()


def server_admin_list() -> Sequence[Account]:
    """The public accounts of the staff who run the server, for /about."""
    return list(
        Account.objects.filter(user__is_staff=True, user__is_active=True).order_by("username")
    )
