"""Daily housekeeping for cron: erase accounts past their grace period, drop old data archives."""

from typing import Any

from django.core.management.base import BaseCommand

from hearth.accounts.deletion import accounts_erase_due
from hearth.accounts.export import export_purge_expired


class Command(BaseCommand):
    help = (
        "Erase accounts whose deletion grace period is over and delete expired data archives. "
        "Run it daily (Celery beat does the same when a broker is configured)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        erased = accounts_erase_due()
        purged = export_purge_expired()
        self.stdout.write(f"Erased {erased} account(s); deleted {purged} expired data archive(s).")
