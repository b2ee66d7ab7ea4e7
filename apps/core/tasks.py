from celery import shared_task


@shared_task(name="core.echo")
def echo(value: int) -> int:
    """Smallest real task: proves a worker consumes the broker and answers."""
    return value * 2


@shared_task(name="core.record_heartbeat")
def record_heartbeat(token: str) -> str:
    """Writes through the worker's own database connection, to prove end-to-end wiring."""
    from apps.core.models import Heartbeat

    Heartbeat.objects.create(token=token)
    return token


@shared_task(name="core.fault_probe")
def fault_probe(token: str) -> str:
    """Test-only long task (fault tests kill its worker): idempotent, done once per token.

    Every start is recorded; the completion is recorded once under an advisory lock, so
    an at-least-once redelivery still completes exactly once.
    """
    import os
    import time

    from django.db import connection, transaction

    from apps.core.models import Heartbeat

    Heartbeat.objects.create(token=f"start:{token}")
    time.sleep(float(os.environ.get("SLSP_FAULT_TASK_SECONDS", "3")))
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [token])
        if not Heartbeat.objects.filter(token=f"done:{token}").exists():
            Heartbeat.objects.create(token=f"done:{token}")
    return token
