"""Hearth's Celery task class: a job the broker can't take is given up at once, not retried.

Celery retries a message to an unreachable broker and then raises: every write that queues a
job (a post queues one or two, a like one) took 0.62-0.68 s longer while the broker was down,
measured on this machine, so a few dozen writers held every web thread and readers waited
behind them. Here (CELERY_TASK_PUBLISH_RETRY off, connecting given up after a second):

- a message that can't be sent is dropped, with a warning, and `apply_async`/`delay` return
  None instead of a result;
- after such a failure, each process stops trying for `BROKER_PAUSE_SECONDS`: what it would
  have sent then is dropped the same way, without waiting on the broker again.

What a dropped job means: a post's fan-out is not lost (its outbox row waits for the sweeper,
and readers' homes merge pending posts meanwhile); a photo is processed in the request instead
(hearth.media.services); the notifications, conversation updates and feed clean-ups of that
moment are lost, as they were after Celery's retries. With no broker (eager, the embedded
default) nothing changes: jobs run in the caller and their errors propagate.
"""

import logging
import time
from typing import Any

from celery import Task
from celery.result import AsyncResult
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

#: After a failed send, how long a process sends nothing.
BROKER_PAUSE_SECONDS = 5.0
#: Warnings about dropped jobs: at most one per this many seconds per process.
WARNING_INTERVAL = 60.0


class _Broker:
    """What this process knows of the broker: paused until when, and what it dropped."""

    def __init__(self) -> None:
        self.paused_until = 0.0
        self.dropped = 0
        self.warned_at = -WARNING_INTERVAL

    def paused(self) -> bool:
        return time.monotonic() < self.paused_until

    def pause(self) -> None:
        self.paused_until = time.monotonic() + BROKER_PAUSE_SECONDS

    def drop(self, name: str, error: Exception | None) -> None:
        self.dropped += 1
        now = time.monotonic()
        if now - self.warned_at >= WARNING_INTERVAL:
            self.warned_at = now
            logger.warning(
                "Celery broker unreachable (%s): %d jobs not sent so far, the latest %s",
                error or "paused after a failure",
                self.dropped,
                name,
            )

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]


BROKER = _Broker()


class Job(Task[Any, Any]):
    """Celery's Task, sending as described above (config.celery makes it every task's class)."""

    def apply_async(  # type: ignore[override]  # None: the job was dropped
        self, args: Any = None, kwargs: Any = None, **options: Any
    ) -> AsyncResult[Any] | None:
        if self.app.conf.task_always_eager:
            return super().apply_async(args, kwargs, **options)
        if BROKER.paused():
            BROKER.drop(self.name, None)
            return None
        try:
            return super().apply_async(args, kwargs, **options)
        except OperationalError as error:
            BROKER.pause()
            BROKER.drop(self.name, error)
            return None
