"""hearth.core.jobs (with a timelines task): a job the broker can't take is dropped at once,
and the process pauses sending; eager jobs (no broker) run as before."""

from typing import Any

import pytest

from config.celery import app
from hearth.core import jobs
from hearth.timelines.tasks import feeds_trim_task


@pytest.fixture
def sends(monkeypatch: Any) -> list[str]:
    """The messages Celery tried to hand to the broker (its own sending, counted)."""
    tried: list[str] = []
    send = app.amqp.send_task_message

    def counted(producer: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        tried.append(name)
        return send(producer, name, *args, **kwargs)

    monkeypatch.setattr(app.amqp, "send_task_message", counted)
    return tried


@pytest.mark.django_db
def test_a_job_the_broker_cant_take_is_dropped_and_sending_pauses(
    broker_down: Any, sends: list[str]
) -> None:
    # The first job tries the broker once (no retries) and is dropped
    assert feeds_trim_task.delay() is None
    assert sends == ["hearth.timelines.tasks.feeds_trim_task"]
    # The next ones, during the pause, don't try at all
    assert feeds_trim_task.apply_async(countdown=1) is None
    assert sends == ["hearth.timelines.tasks.feeds_trim_task"]
    assert broker_down.dropped == 2
    # After the pause, the broker is tried again
    broker_down.paused_until = 0.0  # (the fixture clears the pause afterwards)
    assert feeds_trim_task.delay() is None
    assert len(sends) == 2


@pytest.mark.django_db
def test_eager_jobs_run_and_propagate_their_errors(monkeypatch: Any) -> None:
    assert app.conf.task_always_eager
    assert feeds_trim_task.delay() is not None  # ran here

    def broken() -> None:
        raise RuntimeError("the job's own failure")

    monkeypatch.setattr("hearth.timelines.tasks.feeds_trim", broken)
    with pytest.raises(RuntimeError):
        feeds_trim_task.delay()


def test_every_task_sends_through_job_without_retries() -> None:
    assert isinstance(feeds_trim_task, jobs.Job)
    assert app.conf.task_publish_retry is False
