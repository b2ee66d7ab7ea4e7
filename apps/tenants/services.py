"""Writes of the tenants app: creating, previewing and applying an import job (in the
request or in a worker)."""

from __future__ import annotations

import logging
from dataclasses import astuple, dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.tenants import importer
from apps.tenants.models import Category, ImportChange, ImportJob

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
# file costs seconds, so a reload or a second tab must not read it again. Every household
# and every rejected line is kept (the page paginates them).
PREVIEW_TIMEOUT = 24 * 3600


def preview_key(job: ImportJob) -> str:
    return f"tenants:import-preview:{job.uuid}"


@dataclass(frozen=True)
class HouseholdRow:
    """One household of the preview, as the page and the command show it."""

    reference: str
    action: str
    name: str
    address: str
    postal_code: str
    commune: str
    category: str
    members: list[str]
    lines: list[int]
    changes: list[tuple[str, str, str, str, str]]  # subject, field, old, new, kind
    stored_reference: str
    outside_territory: bool

    @property
    def action_label(self) -> str:
        return str(importer.ACTION_LABELS[self.action])

    @property
    def category_label(self) -> str:
        return str(Category(self.category).label) if self.category in Category.values else ""


@dataclass(frozen=True)
class Preview:
    summary: dict[str, Any]
    rows: list[importer.RowResult]  # the rejected lines, all of them
    to_end: list[str]
    households: list[HouseholdRow] = field(default_factory=list)

    @property
    def applicable(self) -> bool:
        return bool(self.summary.get("create") or self.summary.get("update") or self.to_end)


def preview_of(result: importer.ImportPlan) -> Preview:
    households = [
        HouseholdRow(
            p.reference,
            p.action,
            p.name,
            p.address,
            p.postal_code,
            p.commune,
            p.category,
            p.members,
            p.lines,
            [(c.subject, c.field, c.old, c.new, str(c.kind)) for c in p.changes],
            p.stored_reference,
            p.outside_territory,
        )
        for p in result.plans
    ]
    # Households with something to do first, then in file order.
    order = {"update": 0, "create": 1, "unchanged": 2}
    households.sort(key=lambda h: (order[h.action], h.lines[0] if h.lines else 0))
    rejected = [r for r in result.rows if r.action == "reject"]
    summary = result.summary | {"needs_count_confirmation": result.needs_count_confirmation}
    return Preview(summary, rejected, result.to_end, households)


def _store_preview(job: ImportJob, result: importer.ImportPlan) -> Preview:
    preview = preview_of(result)
    cache.set(
        preview_key(job),
        {
            "summary": preview.summary,
            "rows": [(r.line, r.reference, r.action, r.reasons) for r in preview.rows],
            "to_end": preview.to_end,
            "households": [astuple(h) for h in preview.households],
        },
        timeout=PREVIEW_TIMEOUT,
    )
    return preview


def create_import_job(
    *, user: Any, slsp: Any, filename: str, data: bytes, full_export: bool, sheet: str = ""
) -> ImportJob:
    """Read and dry-run an uploaded export, keep it as a job and cache its preview.

    Raises importer.ImportFileError (nothing saved) when the file is refused."""
    rows = importer.read_rows(data, filename, sheet=sheet)
    result = importer.plan(slsp, rows, full=full_export)
    job = ImportJob.objects.create(
        slsp=slsp,
        created_by=user,
        filename=filename[:200],
        sheet=sheet[:100],
        data=data,
        full_export=full_export,
        summary=result.summary | {"needs_count_confirmation": result.needs_count_confirmation},
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
            [HouseholdRow(*h) for h in cached["households"]],
        )
    rows = importer.read_rows(bytes(job.data), job.filename, sheet=job.sheet)
    return _store_preview(job, importer.plan(job.slsp, rows, full=job.full_export))


def row_count(job: ImportJob) -> int:
    return int(job.summary.get("lines", 0))


def check_confirmation(job: ImportJob, *, confirm_end: bool, confirm_end_count: int | None) -> None:
    """Refuse (ValidationError, in French; nothing changed) an apply that would close more
    than TENANT_IMPORT_MAX_CLOSE_SHARE of the current leases without their count typed."""
    to_end = int(job.summary.get("to_end", 0))
    if (
        job.full_export
        and confirm_end
        and job.summary.get("needs_count_confirmation")
        and confirm_end_count != to_end
    ):
        raise ValidationError(
            ngettext(
                "Cet export complet clôturerait %(n)s bail sur %(total)s en cours : "
                "tapez ce nombre pour confirmer.",
                "Cet export complet clôturerait %(n)s baux sur %(total)s en cours : "
                "tapez ce nombre pour confirmer.",
                to_end,
            )
            % {"n": to_end, "total": job.summary.get("current_leases", 0)}
        )


@transaction.atomic
def queue_import(
    job: ImportJob, *, confirm_end: bool, confirm_end_count: int | None = None
) -> None:
    """Mark the job queued; the task starts once this transaction commits."""
    from apps.tenants.tasks import apply_import

    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.PREVIEWED:
        return
    job.status = ImportJob.Status.QUEUED
    job.confirm_end = confirm_end
    job.confirm_end_count = confirm_end_count
    job.progress = 0
    job.save(update_fields=["status", "confirm_end", "confirm_end_count", "progress"])
    transaction.on_commit(lambda: apply_import.delay(job.pk, job.slsp_id))


def apply_or_queue(
    job: ImportJob, *, confirm_end: bool, confirm_end_count: int | None = None
) -> ImportJob:
    """Apply a previewed job now, or queue it for the worker when it is large; the web
    page, the API and the command all call this, so a file is applied the same way
    whoever sends it. Raises ValidationError when a large closure lacks its count."""
    check_confirmation(job, confirm_end=confirm_end, confirm_end_count=confirm_end_count)
    if row_count(job) > SYNC_MAX_ROWS:
        queue_import(job, confirm_end=confirm_end, confirm_end_count=confirm_end_count)
        job.refresh_from_db()
        return job
    return apply_job(job.pk, confirm_end=confirm_end, confirm_end_count=confirm_end_count)


def apply_job(
    job_id: int, *, confirm_end: bool | None = None, confirm_end_count: int | None = None
) -> ImportJob:
    """Apply a previewed (or queued) job once: all rows in one transaction, or nothing."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status not in (ImportJob.Status.PREVIEWED, ImportJob.Status.QUEUED):
            return job  # already applied, running or failed: at-least-once delivery is safe
        if confirm_end is not None:
            job.confirm_end = confirm_end
            job.confirm_end_count = confirm_end_count
        job.status = ImportJob.Status.RUNNING
        job.save(update_fields=["status", "confirm_end", "confirm_end_count"])

    def report(percent: int) -> None:
        cache.set(progress_key(job), percent, timeout=3600)

    try:
        rows = importer.read_rows(
            bytes(job.data),
            job.filename,
            seconds=importer.limit("WORKER_READ_SECONDS"),
            sheet=job.sheet,
        )
        result = importer.apply(
            job.slsp,
            rows,
            full=job.full_export,
            confirm_end=job.confirm_end,
            confirmed_count=job.confirm_end_count,
            job=job,
            progress=report,
        )
    except importer.ImportRefused as exc:
        # Refused as a whole (the data changed since the preview): say why, not "later".
        job.status = ImportJob.Status.FAILED
        job.error = str(exc)[:300]
        job.save(update_fields=["status", "error"])
        cache.delete(preview_key(job))
        return job
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
    job.summary = result.summary | {"ended": len(result.closed)}
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


def forget_import_changes(household_id: int) -> int:
    """Blank what the import history says about one household (names, old and new values,
    its reference): for the retention erasure, which keeps rows but not identities."""
    return ImportChange.objects.filter(household_id=household_id).update(
        reference="", subject="", old="", new=""
    )
