"""Give or take the moderator role from the command line: `hearth moderator grant NAME`,
`hearth moderator revoke NAME`, `hearth moderator list`. Moderators handle reports and act on
accounts (docs/subsystems/moderation.md); admins are moderators already."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.accounts.models import User
from hearth.moderation.roles import moderator_grant, moderator_revoke, moderators


class Command(BaseCommand):
    help = "Give (grant) or take (revoke) the moderator role, or list the moderators."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["grant", "revoke", "list"])
        parser.add_argument("username", nargs="?", help="The member (for grant and revoke).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            names = [user.username for user in moderators()]
            self.stdout.write("\n".join(names) if names else "No moderators yet.")
            return
        if not options["username"]:
            raise CommandError(f"Say whom: hearth moderator {options['action']} USERNAME")
        user = User.objects.filter(username__iexact=options["username"]).first()
        if user is None:
            raise CommandError(f"No member is called {options['username']!r}.")
        if options["action"] == "grant":
            moderator_grant(user=user)
            self.stdout.write(f"{user.username} is now a moderator.")
        else:
            moderator_revoke(user=user)
            self.stdout.write(f"{user.username} is no longer a moderator.")
