"""Fill a development or demo server with invented members: `hearth seed --users 50`."""

import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from hearth.accounts.demo import seed_users


class Command(BaseCommand):
    help = (
        "Create invented demo members (names, bios, avatars), all with one password. "
        "Running it again adds more. Meant for development and demo servers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--users", type=int, default=50, help="How many members to create (default 50)."
        )
        parser.add_argument(
            "--password", help="The password they all get (default: one generated and printed)."
        )
        parser.add_argument(
            "--seed", type=int, help="Random seed: the same seed on the same data, the same people."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["users"]
        if count < 1:
            raise CommandError("--users must be at least 1.")
        password = options["password"] or f"demo-{secrets.token_urlsafe(9)}"
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("--password: " + " ".join(error.messages)) from error
        with tqdm(
            total=count, desc="Members", unit="member", disable=options["verbosity"] < 1
        ) as bar:
            users = seed_users(
                count=count, password=password, progress=bar.update, seed=options["seed"]
            )
        examples = ", ".join(f"@{user.username}" for user in users[:3])
        self.stdout.write(
            self.style.SUCCESS(f"Created {len(users)} demo members ({examples}, …).")
            + f"\nThey all log in with the password: {password}"
        )
