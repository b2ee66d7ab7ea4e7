"""gunicorn settings: read from the working directory (/app in the image) at start-up.

The access log and the error log go through `RedactingLogger`, which masks the secret
part of signed links (partner link, password reset) before any line is written.
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import sys
from pathlib import Path
from typing import Any

from gunicorn.glogging import Logger

# The project's packages, whatever directory gunicorn was started from.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from apps.core.security import RedactUrlTokensFilter, redact_url_tokens  # noqa: E402


class RedactingLogger(Logger):
    """gunicorn's logger whose access-log atoms (request line, path, referrer, headers,
    environ) and error-log records never carry a link token."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactUrlTokensFilter) for f in log.filters):
                log.addFilter(RedactUrlTokensFilter())

    def atoms(
        self, resp: Any, req: Any, environ: dict, request_time: datetime.timedelta
    ) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact_url_tokens(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }


logger_class = RedactingLogger
accesslog = "-"
# Access lines on stdout, errors on stderr (docker logs keeps both).
errorlog = "-"
loglevel = "info"

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Processes per host: WEB_CONCURRENCY, else two per core plus one (at most 9, so a
# large host does not exhaust PostgreSQL's connections: DB_CONN_MAX_AGE keeps one each).
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 9))
# Long work (PDFs, imports, exports) runs in Celery: a request taking longer is stuck.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# The TLS proxy keeps connections to the browsers; behind it, short keep-alive suffices.
keepalive = 5
