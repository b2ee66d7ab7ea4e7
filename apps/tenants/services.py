"""Writes of the tenants app: creating, previewing and applying an import job (in the
request or in a worker)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.tenants import importer
from apps.tenants.models import ImportJob

logger = logging.getLogger(__name__)

# Above this many rows the apply runs in a Celery worker with a progress bar.
SYNC_MAX_ROWS = 2000


def progress_key(job: ImportJob) -> str:
    return f"tenants:import-progress:{job.uuid}"


def job_progress(job: ImportJob) -> int:
    """Live progress of a running job: the import transaction hides it from the database,
    so the worker writes it to the cache as it goes."""
    if job.status in (ImportJob.Status.APPLIED, ImportJob.Status.FAILED):
        return 100 if job.status == ImportJob.Status.APPLIED else job.progress
    return int(cache.get(progress_key(job), job.progress) or 0)


# The preview page shows the dry run computed when the file came in: reading a large
# file costs seconds, so a reload or a second tab must not read it again.
PREVIEW_ROWS = 1000
PREVIEW_TIMEOUT = 24 * 3600


def preview_key(job: ImportJob) -> str:
    return f"tenants:import-preview:{job.uuid}"


@dataclass(frozen=True)
class Preview:
    summary: dict[str, int]
    rows: list[importer.RowResult]  # the first PREVIEW_ROWS lines
    to_end: list[str]


def _store_preview(job: ImportJob, result: importer.ImportPlan) -> Preview:
    preview = Preview(result.summary, result.rows[:PREVIEW_ROWS], result.to_end)
    cache.set(
        preview_key(job),
        {
            "summary": preview.summary,
            "rows": [(r.line, r.reference, r.action, r.reasons) for r in preview.rows],
            "to_end": preview.to_end,
        },
        timeout=PREVIEW_TIMEOUT,
    )
    return preview


def create_import_job(
    *, user: Any, slsp: Any, filename: str, data: bytes, full_export: bool
) -> ImportJob:
    """Read and dry-run an uploaded export, keep it as a job and cache its preview.

    Raises importer.ImportFileError (nothing saved) when the file is refused."""
    rows = importer.read_rows(data, filename)
    result = importer.plan(slsp, rows, full=full_export)
    job = ImportJob.objects.create(
        slsp=slsp,
        created_by=user,
        filename=filename[:200],
        data=data,
        full_export=full_export,
        summary=result.summary,
    )
    # Not deferred to the commit: an entry for a job rolled back is never read.
    _store_preview(job, result)
    return job


def job_preview(job: ImportJob) -> Preview:
    """The cached dry run of a job; read again (once, then cached) only when the cache
    lost it. Raises importer.ImportFileError when the stored file cannot be read now."""
    cached = cache.get(preview_key(job))
    if cached is not None:
        return Preview(
            cached["summary"],
            [importer.RowResult(*row) for row in cached["rows"]],
            cached["to_end"],
        )
    rows = importer.read_rows(bytes(job.data), job.filename)
    return _store_preview(job, importer.plan(job.slsp, rows, full=job.full_export))


def row_count(job: ImportJob) -> int:
    return sum(job.summary.get(k, 0) for k in ("create", "update", "unchanged", "reject"))


@transaction.atomic
def queue_import(job: ImportJob, *, confirm_end: bool) -> None:
    """Mark the job queued; the task starts once this transaction commits."""
    from apps.tenants.tasks import apply_import

    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.PREVIEWED:
        return
    job.status = ImportJob.Status.QUEUED
    job.confirm_end = confirm_end
    job.progress = 0
    job.save(update_fields=["status", "confirm_end", "progress"])
    transaction.on_commit(lambda: apply_import.delay(job.pk, job.slsp_id))


def apply_or_queue(job: ImportJob, *, confirm_end: bool) -> ImportJob:
    """Apply a previewed job now, or queue it for the worker when it is large; the web
    page and the API both call this, so a file is applied the same way whoever sends it."""
    if row_count(job) > SYNC_MAX_ROWS:
        queue_import(job, confirm_end=confirm_end)
        job.refresh_from_db()
        return job
    return apply_job(job.pk, confirm_end=confirm_end)


def apply_job(job_id: int, *, confirm_end: bool | None = None) -> ImportJob:
    """Apply a previewed (or queued) job once: all rows in one transaction, or nothing."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status not in (ImportJob.Status.PREVIEWED, ImportJob.Status.QUEUED):
            return job  # already applied, running or failed: at-least-once delivery is safe
        if confirm_end is not None:
            job.confirm_end = confirm_end
        job.status = ImportJob.Status.RUNNING
        job.save(update_fields=["status", "confirm_end"])

    def report(percent: int) -> None:
        cache.set(progress_key(job), percent, timeout=3600)

    try:
        rows = importer.read_rows(
            bytes(job.data), job.filename, seconds=importer.limit("WORKER_READ_SECONDS")
        )
        result = importer.apply(
            job.slsp,
            rows,
            full=job.full_export,
            confirm_end=job.confirm_end,
            progress=report,
        )
    except Exception:  # the import rolled back; say so on the page instead of a 500
        logger.exception("import job %s failed", job.pk)
        job.status = ImportJob.Status.FAILED
        # The référent reads what to do, not a Python class name (the log keeps it).
        job.error = _(
            "L'import a échoué et rien n'a été modifié. Recommencez plus tard ; si le "
            "problème persiste, prévenez l'administrateur."
        )
        job.save(update_fields=["status", "error"])
        cache.delete(preview_key(job))
        return job
    job.status = ImportJob.Status.APPLIED
    job.applied_at = timezone.now()
    job.progress = 100
    job.summary = result.summary | {
        "ended": len(result.to_end) if job.full_export and job.confirm_end else 0
    }
    job.save(update_fields=["status", "applied_at", "progress", "summary"])
    cache.delete_many([progress_key(job), preview_key(job)])
    return job


def rebuild_last_tenancies() -> None:
    """Recompute every household's LastTenancy. The triggers keep it exact; this is for
    writes that bypass triggers (the scale seed's COPY under session_replication_role =
    replica)."""
    from django.db import connection

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE tenants_tenancy IN SHARE MODE")
        cursor.execute("DELETE FROM tenants_lasttenancy")
        cursor.execute(
            "INSERT INTO tenants_lasttenancy "
            "(household_id, tenancy_id, slsp_id, unit_id, category, start_date, end_date) "
            "SELECT DISTINCT ON (household_id) "
            "household_id, id, slsp_id, unit_id, category, start_date, end_date "
            "FROM tenants_tenancy ORDER BY household_id, start_date DESC, id DESC"
        )
