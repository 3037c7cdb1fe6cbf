"""Celery tasks of the messaging app: each takes ids, calls one service and is safe to rerun."""

from celery import shared_task

from hearth.messaging import services


@shared_task
def conversation_record_post_task(post_id: int) -> None:
    services.conversation_record_post(post_id=post_id)


@shared_task
def conversation_forget_post_task(post_id: int) -> None:
    services.conversation_forget_post(post_id=post_id)
