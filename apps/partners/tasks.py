from celery import shared_task
from django.utils import timezone
from django_scopes import scope, scopes_disabled


@shared_task(name="partners.send_expiry_alerts")
def send_expiry_alerts(slsp_id: int | None = None) -> int:
    """Daily: e-mail each SLSP's référents about agreements nearing their end.

    Without an id, fans out one task per SLSP that has an agreement in the window.
    """
    from apps.partners import services
    from apps.partners.models import Agreement

    if slsp_id is None:
        today = timezone.localdate()
        with scopes_disabled():
            ids = sorted(
                set(
                    Agreement.objects.expiring_within(max(services.ALERT_THRESHOLDS), today)
                    .values_list("slsp_id", flat=True)
                    .distinct()
                )
            )
        for one in ids:
            send_expiry_alerts.delay(one)
        return len(ids)
    with scope(slsp=[slsp_id]):
        return services.send_expiry_alerts(slsp_id)
