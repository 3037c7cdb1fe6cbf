"""Celery tasks of the notifications app: each takes ids, calls one service and is safe to rerun
(the services find what an earlier run made)."""

from celery import shared_task

from hearth.notifications import services


@shared_task
def notify_post_created_task(post_id: int) -> None:
    services.notify_post_created(post_id=post_id)


@shared_task
def notify_post_edited_task(post_id: int) -> None:
    services.notify_post_edited(post_id=post_id)


@shared_task
def notify_favourited_task(post_id: int, account_id: int) -> None:
    services.notify_favourited(post_id=post_id, account_id=account_id)


@shared_task
def notify_reblogged_task(original_id: int, account_id: int) -> None:
    services.notify_reblogged(original_id=original_id, account_id=account_id)


@shared_task
def notify_followed_task(follower_id: int, target_id: int) -> None:
    services.notify_followed(follower_id=follower_id, target_id=target_id)


@shared_task
def notify_follow_requested_task(follower_id: int, target_id: int) -> None:
    services.notify_follow_requested(follower_id=follower_id, target_id=target_id)


@shared_task
def notifications_remove_between_task(account_id: int, target_id: int) -> None:
    services.notifications_remove_between(account_id=account_id, target_id=target_id)


@shared_task
def notification_remove_unfavourited_task(post_id: int, account_id: int) -> None:
    services.notification_remove_unfavourited(post_id=post_id, account_id=account_id)


@shared_task
def notification_remove_unreblogged_task(original_id: int, account_id: int) -> None:
    services.notification_remove_unreblogged(original_id=original_id, account_id=account_id)
