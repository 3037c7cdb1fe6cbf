"""Daily housekeeping for cron: erase accounts past their grace period, drop old data archives,
and whatever other apps registered in hearth.accounts.housekeeping.PURGE_JOBS."""

from typing import Any

from django.core.management.base import BaseCommand

from hearth.accounts.deletion import accounts_erase_due
from hearth.accounts.export import export_purge_expired
from hearth.accounts.housekeeping import PURGE_JOBS


class Command(BaseCommand):
    help = (
        "Erase accounts whose deletion grace period is over, delete expired data archives and "
        "unattached uploads. Run it daily (Celery beat does the same when a broker is configured)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        erased = accounts_erase_due()
        purged = export_purge_expired()
        self.stdout.write(f"Erased {erased} account(s); deleted {purged} expired data archive(s).")
        for what, job in PURGE_JOBS.items():
            self.stdout.write(f"Deleted {job()} {what}.")
