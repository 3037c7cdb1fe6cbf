"""Celery tasks for media; routed to the "media" queue (settings.CELERY_TASK_ROUTES)."""

from celery import shared_task

# Modules, not names: services imports this module to queue the task.
from hearth.media import services
from hearth.media.errors import MediaNotCommittedError


@shared_task(
    name="hearth.media.tasks.media_process_task",
    autoretry_for=(MediaNotCommittedError,),
    retry_backoff=True,
    max_retries=5,
)
def media_process_task(media_id: int) -> None:
    services.media_process(media_id=media_id)


@shared_task(name="hearth.media.tasks.media_purge_orphans_task")
def media_purge_orphans_task() -> int:
    return services.media_purge_orphans()
