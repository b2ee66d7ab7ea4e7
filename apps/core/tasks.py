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
