"""Finding the account a path or query names, as the caller may see it."""

from django.http import Http404

from hearth.accounts.models import Account
from hearth.accounts.selectors import account_list_visible

_LARGEST_ID = 2**63 - 1


def parse_id(value: object) -> int | None:
    """A 64-bit id from a path or query value; None for anything else."""
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if 0 < number <= _LARGEST_ID else None


def access_account(account_id: object) -> Account:
    """The visible account with this id; Http404 (never 403) when missing, hidden (being
    deleted, suspended) or when the id is not a number."""
    pk = parse_id(account_id)
    account = account_list_visible(viewer=None).filter(pk=pk).first() if pk else None
    if account is None:
        raise Http404("No such account.")
    return account
