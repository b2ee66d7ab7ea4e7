"""A long, idempotent task whose worker the fault tests kill mid-way."""

import time

from celery import shared_task

# Below the soft time limit of the fault tests' workers, long enough to be killed in.
SECONDS = 2


@shared_task(name="tests.fault_probe")
def fault_probe(token: str) -> str:
    """Record every start; record the completion once per token.

    The completion is written under an advisory lock, so an at-least-once redelivery
    still completes exactly once.
    """
    from django.db import connection, transaction

    from apps.core.models import Heartbeat

    Heartbeat.objects.create(token=f"start:{token}")
    time.sleep(SECONDS)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [token])
        if not Heartbeat.objects.filter(token=f"done:{token}").exists():
            Heartbeat.objects.create(token=f"done:{token}")
    return token
