"""The benchmark dataset: `hearth bench-data --profile small` or `--users N --posts M`.

See hearth.demo.bench for its shape and bench/README.md for the load scenarios that use it.
"""

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from hearth.demo import bench


class Command(BaseCommand):
    help = (
        "Fill an empty database with the benchmark network: power-law follows, a hub account "
        "with up to 50,000 followers, the reader `bench_reader`, and bulk posts. For benchmark "
        "databases only (see bench/README.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--profile",
            choices=sorted(bench.PROFILES),
            help="small: 10,000 posts, reader follows 20; large: 1,000,000 posts, follows 2,000.",
        )
        parser.add_argument("--users", type=int, help="Members, named ones included.")
        parser.add_argument("--posts", type=int, help="Posts in all.")
        parser.add_argument("--reader-follows", type=int, help="Accounts bench_reader follows.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--password",
            default=bench.DEFAULT_PASSWORD,
            help=f"Everyone's password (default {bench.DEFAULT_PASSWORD}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        profile = bench.PROFILES[options["profile"] or "small"]
        users = options["users"] if options["users"] is not None else profile.users
        posts = options["posts"] if options["posts"] is not None else profile.posts
        follows = options["reader_follows"]
        if follows is None:
            # Without a profile, the large profile's reader for large networks.
            follows = profile.reader_follows
            if options["profile"] is None and posts >= 100_000:
                follows = bench.PROFILES["large"].reader_follows
        if posts < 0 or follows < 0:
            raise CommandError("--posts and --reader-follows must be 0 or more.")
        self.quiet = options["verbosity"] < 1
        try:
            summary = bench.generate(
                users=users,
                posts=posts,
                reader_follows=follows,
                rng=random.Random(options["seed"]),
                password=options["password"],
                progress=self._bar,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        timings = ", ".join(f"{phase} {secs:.1f} s" for phase, secs in summary.seconds.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Bench data: {summary.users:,} members, {summary.follows:,} follows, "
                f"{summary.posts:,} posts."
            )
            + f"\n@{bench.HUB} has {summary.hub_followers:,} followers, @{bench.FANOUT} "
            f"{summary.fanout_followers:,}; @{bench.READER} follows {summary.reader_follows:,}."
            + f"\nTook {sum(summary.seconds.values()):.1f} s ({timings})."
        )

    @contextmanager
    def _bar(self, phase: str, total: int) -> Iterator[Callable[[int], object]]:
        with tqdm(total=total, desc=phase, disable=self.quiet, leave=True, unit="rows") as bar:
            yield bar.update
