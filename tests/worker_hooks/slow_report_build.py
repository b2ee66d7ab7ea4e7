"""Every report build in this worker waits mid-way (indicators stored, PDF not yet
rendered), long enough for a fault test to kill the worker there."""

from __future__ import annotations

import functools
import time
from typing import Any

from celery.signals import worker_process_init

PAUSE = 4  # seconds


@worker_process_init.connect
def _pause_before_rendering(**kwargs: Any) -> None:
    # Patched in the pool's child process only, where the tasks run.
    from apps.reports import documents

    render = documents.semester_pdf

    @functools.wraps(render)
    def paused(*args: Any, **kw: Any) -> bytes:
        time.sleep(PAUSE)
        return render(*args, **kw)

    documents.semester_pdf = paused
