"""The texts Hearth ships for its policy pages, and the placeholders they (and edited versions)
may use. The Markdown files live in content/; admins replace them by saving a new version."""

import datetime
import functools
import re
from pathlib import Path
from typing import Final

from django.conf import settings

from hearth.moderation.models import PolicySlug

CONTENT_DIR: Final = Path(__file__).resolve().parent / "content"

#: When the shipped texts were last revised: the "last updated" date of a page nobody edited.
SHIPPED_ON: Final = datetime.date(2026, 11, 29)

#: What each placeholder stands for, shown to admins next to the editor.
PLACEHOLDERS: Final = {
    "instance_name": "the server's name (HEARTH_INSTANCE_NAME)",
    "domain": "the server's address (HEARTH_DOMAIN)",
    "contact_email": "the operators' contact address (HEARTH_CONTACT_EMAIL)",
    "deletion_grace_days": "days before a deleted account is erased (HEARTH_DELETION_GRACE_DAYS)",
}
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


@functools.cache
def default_body(slug: PolicySlug) -> str:
    """The shipped Markdown for a page, placeholders unfilled."""
    return (CONTENT_DIR / f"{slug.value}.md").read_text(encoding="utf-8")


def placeholder_values() -> dict[str, str]:
    return {
        "instance_name": settings.HEARTH_INSTANCE_NAME,
        "domain": settings.HEARTH_DOMAIN,
        "contact_email": settings.HEARTH_CONTACT_EMAIL,
        "deletion_grace_days": str(settings.HEARTH_DELETION_GRACE_DAYS),
    }


def fill_placeholders(body: str) -> str:
    """Replace the known {placeholders}. Only those: any other braces in an admin's text (code,
    a stray "{") are left alone, which str.format would choke on."""
    values = placeholder_values()
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], body)
