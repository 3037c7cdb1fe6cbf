"""Fill a development or demo server with invented members and their network:
`hearth seed --users 200`."""

import random
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from hearth.accounts.demo import seed_users
from hearth.accounts.models import Account, User
from hearth.accounts.selectors import account_list_visible
from hearth.demo.network import NetworkSummary, seed_network


class Command(BaseCommand):
    help = (
        "Create invented demo members (names, bios, avatars), all with one password, who follow "
        "each other, post, reply, like and repost over the past two weeks. Running it again "
        "adds more. Meant for development and demo servers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--users", type=int, default=50, help="How many members to create (default 50)."
        )
        parser.add_argument(
            "--posts-per-user",
            type=int,
            default=8,
            help="Posts per member on average, replies not counted (default 8).",
        )
        parser.add_argument(
            "--password", help="The password they all get (default: one generated and printed)."
        )
        parser.add_argument(
            "--seed", type=int, help="Random seed: the same seed on the same data, the same people."
        )
        parser.add_argument(
            "--no-network",
            action="store_true",
            help="Only the members: no follows, posts, likes or reposts.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["users"]
        if count < 1:
            raise CommandError("--users must be at least 1.")
        if options["posts_per_user"] < 0:
            raise CommandError("--posts-per-user must be 0 or more.")
        password = options["password"] or f"demo-{secrets.token_urlsafe(9)}"
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("--password: " + " ".join(error.messages)) from error
        self.quiet = options["verbosity"] < 1
        with self._bar("Members", count) as tick:
            users = seed_users(count=count, password=password, progress=tick, seed=options["seed"])
        examples = ", ".join(f"@{user.username}" for user in users[:3])
        self.stdout.write(
            self.style.SUCCESS(f"Created {len(users)} demo members ({examples}, …).")
            + f"\nThey all log in with the password: {password}"
        )
        if not options["no_network"]:
            self._network(users, options["posts_per_user"], options["seed"])

    def _network(self, users: list[User], posts_per_user: int, seed: int | None) -> None:
        # A stream of its own, so the members stay the same whether or not a network follows.
        rng = random.Random(f"network-{seed}") if seed is not None else random.Random()
        summary = seed_network(
            users=users,
            posts_per_user=posts_per_user,
            rng=rng,
            progress=self._bar,
            guests=list(_admins()),
        )
        self.stdout.write(_describe(summary))

    @contextmanager
    def _bar(self, phase: str, total: int) -> Iterator[Callable[[int], object]]:
        with tqdm(total=total, desc=phase, disable=self.quiet, leave=True) as bar:
            yield bar.update


def _admins() -> Iterator[Account]:
    """The admins' accounts (the demo admin of `make run`), who join in by following people."""
    yield from account_list_visible(viewer=None).filter(user__is_superuser=True)


def _describe(summary: NetworkSummary) -> str:
    lines = [
        f"Network: {summary.follows:,} follows, {summary.posts:,} posts, "
        f"{summary.replies:,} replies, {summary.likes:,} likes, {summary.reposts:,} reposts."
    ]
    if summary.most_followed is not None:
        lines.append(
            f"Most followed: @{summary.most_followed.username} "
            f"({summary.most_followed_count:,} followers)."
        )
    return "\n".join(lines)
