"""The web process freezes its start-up objects once the app is loaded."""

import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import gc
assert gc.get_freeze_count() == 0, gc.get_freeze_count()
import slsp_referent.wsgi
print(gc.get_freeze_count())
"""


def test_importing_the_wsgi_module_freezes_the_loaded_objects() -> None:
    # A fresh interpreter: the test process's own gc state says nothing about gunicorn's.
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "slsp_referent.settings.test"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    # Tens of thousands of objects once Django and the project's apps are loaded.
    assert int(result.stdout.split()[-1]) > 10_000
