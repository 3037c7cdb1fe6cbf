"""Celery application. With no CELERY_BROKER_URL, tasks run inline (eager) in the caller."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Every task sends through hearth.core.jobs.Job: a job the broker can't take is dropped at once
# (with a warning) instead of holding the request for Celery's retries.
app = Celery("hearth", task_cls="hearth.core.jobs:Job")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
