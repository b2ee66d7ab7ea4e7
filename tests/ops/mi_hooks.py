"""A task for the multi-instance test, loaded with `celery worker --include`: it answers
with the name of the worker that ran it, and lasts long enough for the other worker to
take the next message."""

from __future__ import annotations

import time
from typing import Any

from celery import shared_task


@shared_task(name="tests.which_worker", bind=True)
def which_worker(self: Any, value: int) -> str:
    time.sleep(0.3)
    return str(self.request.hostname)
