from hearth.accounts.models.account import Account
from hearth.accounts.models.export import DataExport
from hearth.accounts.models.user import User

__all__ = ["Account", "DataExport", "User"]
