"""Settings of the scale benchmark: production-like (DEBUG off, manifest static files)
on the slsp_scale database, plain HTTP on loopback, plus the framework-floor URL.

Used by bench/run.py (in-process client, gunicorn, Celery worker) with `bench/` on the
Python path; never by the application itself.
"""

import os

os.environ["DEBUG"] = "0"
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# Loopback HTTP: no TLS redirect, cookies without the Secure flag.
for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
    os.environ.setdefault(name, "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-" + "x" * 40)

from slsp_referent.settings import *  # noqa: E402,F403
from slsp_referent.settings import BASE_DIR  # noqa: E402

if not DATABASES["default"]["NAME"].startswith("slsp_scale"):  # noqa: F405
    raise RuntimeError("The benchmark runs on the slsp_scale database only (bench/run.py).")

ROOT_URLCONF = "bench_urls"
STATIC_ROOT = BASE_DIR / "var" / "bench-static"
MEDIA_ROOT = BASE_DIR / "var" / "bench-media"
