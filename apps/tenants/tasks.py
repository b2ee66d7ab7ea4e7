from celery import shared_task
from django_scopes import scope


@shared_task(name="tenants.apply_import")
def apply_import(job_id: int, slsp_id: int) -> str:
    """Apply a large rental-management import in the background (progress in the cache)."""
    from apps.tenants import services

    with scope(slsp=[slsp_id]):
        return services.apply_job(job_id).status
