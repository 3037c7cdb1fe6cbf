"""Re-drive stuck fan-outs and repair feeds, for cron on a box without Celery beat."""

from typing import Any

from django.core.management.base import BaseCommand

from hearth.timelines.services import fanout_sweep
from hearth.timelines.store_db import feeds_trim


class Command(BaseCommand):
    help = (
        "Deliver posts whose fan-out has been pending for over a minute, drop the Redis feeds "
        "marked for repair during an outage, and trim database feeds to HEARTH_FEED_LENGTH. "
        "Celery beat does the same every minute when a broker is configured."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        delivered, repaired = fanout_sweep()
        trimmed = feeds_trim()
        self.stdout.write(
            f"Delivered {delivered} pending fan-out(s); repaired {repaired} feed(s); "
            f"trimmed {trimmed} old feed entries."
        )
