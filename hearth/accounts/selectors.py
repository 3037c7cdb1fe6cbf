"""Reads of accounts that apply who may be seen. Views and the API go through these."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.db.models.functions import Lower

from hearth.accounts.models import Account, User


def account_list_visible(*, viewer: User | AnonymousUser | None) -> QuerySet[Account]:
    """Accounts that can be shown to `viewer`, with their user loaded.

    Hidden from everyone, their owner included: accounts whose member asked for deletion (they
    stay hidden through the grace period, so "deleted" looks deleted at once), accounts whose
    login was deactivated (`is_active=False`) and accounts suspended by the moderators
    (`suspended_at`, set by hearth.moderation). Accounts without a user stay visible. `viewer`
    is where blocks will apply once they exist.
    """
    return (
        Account.objects.select_related("user")
        .exclude(user__deletion_scheduled_at__isnull=False)
        .exclude(user__is_active=False)
        .exclude(suspended_at__isnull=False)
    )


def account_get_visible(*, username: str, viewer: User | AnonymousUser | None) -> Account | None:
    """The account with this username (any letter case), or None if there is none to show.

    Compares lower-cased names so the lookup uses the unique index on LOWER(username);
    `username__iexact` compiles to UPPER() on PostgreSQL and would scan the whole table.
    """
    return (
        account_list_visible(viewer=viewer)
        .alias(username_lower=Lower("username"))
        .filter(username_lower=username.lower())
        .first()
    )
