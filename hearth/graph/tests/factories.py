"""Accounts for graph tests, made through the real services."""

from hearth.accounts.models import Account
from hearth.accounts.services import profile_update
from hearth.testing.fixtures import make_user


def make_account(username: str | None = None, *, locked: bool = False) -> Account:
    account = make_user(username).account
    if locked:
        account = profile_update(
            account=account, display_name="", bio="", links=[], locked=True, discoverable=True
        )
    return account


def counts(account: Account) -> tuple[int, int]:
    """(followers, following) as stored now."""
    account.refresh_from_db(fields=["followers_count", "following_count"])
    return account.followers_count, account.following_count
