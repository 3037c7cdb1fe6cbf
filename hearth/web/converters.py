"""URL converters: a path segment that cannot be a valid value never reaches a view or a query."""

from hearth.accounts.validators import USERNAME_MAX_LENGTH


class UsernameConverter:
    regex = rf"[A-Za-z0-9_]{{1,{USERNAME_MAX_LENGTH}}}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
