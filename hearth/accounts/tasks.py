"""Celery tasks of the accounts app: each takes ids, calls one service and is safe to rerun."""

from celery import shared_task

from hearth.accounts.deletion import accounts_erase_due
from hearth.accounts.export import export_build, export_purge_expired
from hearth.accounts.housekeeping import PURGE_JOBS


@shared_task
def export_build_task(export_id: int) -> None:
    export_build(export_id=export_id)


@shared_task
def export_purge_expired_task() -> None:
    export_purge_expired()


@shared_task
def accounts_erase_due_task() -> None:
    accounts_erase_due()


@shared_task
def purge_jobs_task() -> None:
    """The other apps' registered purges (hearth.accounts.housekeeping.PURGE_JOBS), as `hearth
    purge` runs them: e.g. the API's expired Idempotency-Key rows."""
    for job in PURGE_JOBS.values():
        job()
