from hearth.accounts.models.account import Account
from hearth.accounts.models.export import DataExport
from hearth.accounts.models.signup import (
    ApplicationState,
    BlockedEmailDomain,
    Invite,
    InvitesBy,
    SignupApplication,
    SignupMode,
    SignupSettings,
)
from hearth.accounts.models.user import User

__all__ = [
    "Account",
    "ApplicationState",
    "BlockedEmailDomain",
    "DataExport",
    "Invite",
    "InvitesBy",
    "SignupApplication",
    "SignupMode",
    "SignupSettings",
    "User",
]
