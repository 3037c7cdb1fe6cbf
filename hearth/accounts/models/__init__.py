from hearth.accounts.models.account import Account
from hearth.accounts.models.user import User

__all__ = ["Account", "User"]
