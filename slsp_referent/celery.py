"""Celery application, configured from Django settings (CELERY_* names)."""

import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slsp_referent.settings")


class BaseTask(Task):
    """Every task retries transient infrastructure failures with exponential backoff.

    Tasks take ids only (never names or notes) and re-open the SLSP scope themselves.
    """

    autoretry_for = (ConnectionError, TimeoutError)
    retry_backoff = True
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 5


app = Celery("slsp_referent", task_cls=BaseTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
