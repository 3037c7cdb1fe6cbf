"""Celery tasks of the timelines app, routed to the "fanout" queue (CELERY_TASK_ROUTES). Each
takes ids, calls one service and is safe to rerun."""

from celery import shared_task

from hearth.timelines import lists, services
from hearth.timelines.store_db import feeds_trim


@shared_task
def fanout_post_task(post_id: int) -> None:
    services.fanout_post(post_id=post_id)


@shared_task
def feed_post_remove_task(post_id: int, author_id: int) -> None:
    services.feed_post_remove(post_id=post_id, author_id=author_id)


@shared_task
def feed_follow_merge_task(follower_id: int, target_id: int) -> None:
    services.feed_follow_merge(follower_id=follower_id, target_id=target_id)


@shared_task
def feed_author_remove_task(account_id: int, author_id: int) -> None:
    services.feed_author_remove(account_id=account_id, author_id=author_id)


@shared_task
def fanout_sweep_task() -> None:
    services.fanout_sweep()


@shared_task
def feeds_trim_task() -> None:
    feeds_trim()


@shared_task
def list_memberships_end_task(owner_id: int, account_id: int) -> None:
    lists.list_memberships_end(owner_id=owner_id, account_id=account_id)
