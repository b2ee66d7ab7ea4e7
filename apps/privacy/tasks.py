from celery import shared_task


@shared_task(name="privacy.erase_expired_households")
def erase_expired_households() -> list[int]:
    """Nightly (CELERY_BEAT_SCHEDULE): pseudonymise households past the retention period.

    Ids in, ids out: the result names no one.
    """
    from apps.privacy import services

    return services.erase_expired_households()
