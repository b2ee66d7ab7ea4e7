"""Test-only code for the Celery worker processes that the fault tests start.

A test names the hooks it needs when it starts a worker (`celery worker -I
tests.worker_hooks.fault_probe`), so production modules carry no test switches. The
pytest process never imports these modules.
"""
