"""Create a member from the command line, confirmed and ready to log in (scripts, operators).

The password comes from --password, else the HEARTH_PASSWORD environment variable (so it stays
out of shell history and `ps`), else one is generated and printed this one time.
"""

import os
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.accounts.services import user_create

PASSWORD_ENV = "HEARTH_PASSWORD"  # noqa: S105  # the variable's name, not a password


class Command(BaseCommand):
    help = (
        "Create a member whose email is already confirmed, ready to log in. "
        f"The password is taken from --password, else ${PASSWORD_ENV}, else generated and printed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="1–30 letters, digits or underscores.")
        parser.add_argument("--email", required=True, help="The member's email address.")
        parser.add_argument(
            "--password",
            help=f"The password (prefer ${PASSWORD_ENV}, which stays out of shell history).",
        )
        parser.add_argument(
            "--admin", action="store_true", help="Make the member staff and superuser."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password, generated = self._password(options["password"])
        try:
            user = user_create(
                username=options["username"],
                email=options["email"],
                password=password,
                is_admin=options["admin"],
            )
        except ValidationError as error:
            raise CommandError(_describe(error)) from error
        role = "Admin" if options["admin"] else "Member"
        self.stdout.write(self.style.SUCCESS(f"{role} @{user.username} created ({user.email})."))
        if generated:
            self.stdout.write(
                f"Password: {password}\nIt is shown only now; keep it somewhere safe."
            )

    def _password(self, given: str | None) -> tuple[str, bool]:
        """The password to use, and whether it was generated here (and so must be shown)."""
        if given is not None:
            return given, False
        from_env = os.environ.get(PASSWORD_ENV)
        if from_env is not None:
            return from_env, False
        return secrets.token_urlsafe(15), True


def _describe(error: ValidationError) -> str:
    """One line per problem, naming the field: "username: That username is taken."."""
    lines: list[str] = []
    for field, messages in error.message_dict.items():
        prefix = "" if field == "__all__" else f"{field}: "
        lines.extend(f"{prefix}{message}" for message in messages)
    return "Could not create the member:\n  " + "\n  ".join(lines)
