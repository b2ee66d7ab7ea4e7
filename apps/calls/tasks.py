from celery import shared_task


@shared_task(name="calls.remind_late_jurors")
def remind_late_jurors() -> int:
    from apps.calls import services

    return services.remind_late_jurors()
