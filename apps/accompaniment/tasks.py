from celery import shared_task


@shared_task(name="accompaniment.remind_due_appointments")
def remind_due_appointments() -> int:
    """The morning reminder of the day's appointments (beat, every morning)."""
    from apps.accompaniment.agenda import remind_due_appointments as remind

    return remind()
