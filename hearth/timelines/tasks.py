"""Celery tasks of the timelines app, routed to the "fanout" queue (CELERY_TASK_ROUTES). Each
takes ids, calls one service and is safe to rerun."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from hearth.core.cache import REDIS_DOWN
from hearth.timelines import lists, services
from hearth.timelines.store_db import feeds_trim

logger = logging.getLogger(__name__)

#: Set while a fan-out task is queued and has not started: a post committed meanwhile needs no
#: message of its own, since that task claims every pending job when it starts. Expires in
#: case the message is lost (the sweeper delivers what it would have).
FANOUT_QUEUED_KEY = "timelines:fanout-queued"
FANOUT_QUEUED_SECONDS = 10
#: A queued fan-out task starts this long after the post that queued it, so the posts of the
#: next moment go with it: under load each task delivers several posts (services.fanout_post),
#: at the cost of this much delay (nothing a reader notices; the target is 2 s).
FANOUT_GATHER_SECONDS = 0.1


def fanout_enqueue(post_id: int) -> None:
    """Have a committed post fanned out. Under a burst of posts, most need no Celery message:
    one queued task delivers them all (services.fanout_post coalesces the pending jobs). The
    mark needs a cache every process shares, so without REDIS_URL every post is enqueued (or,
    with no broker, delivered here and now)."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.REDIS_URL:
        fanout_post_task.delay(post_id)
        return
    try:
        queued = not cache.add(FANOUT_QUEUED_KEY, 1, FANOUT_QUEUED_SECONDS)
    except REDIS_DOWN:
        queued = False
    if not queued:
        fanout_post_task.apply_async((post_id,), countdown=FANOUT_GATHER_SECONDS)


@shared_task
def fanout_post_task(post_id: int) -> None:
    # Unmarked before the claim: a post committed from now on enqueues a task of its own; one
    # committed before is pending when this task claims, and goes with it.
    try:
        cache.delete(FANOUT_QUEUED_KEY)
    except REDIS_DOWN:
        logger.warning("cache unreachable: fan-out queued mark not cleared")
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
