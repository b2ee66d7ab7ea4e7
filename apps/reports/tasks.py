"""Background work of the reports (thin: ids as arguments, re-open the scope, call a service).

Retries with exponential backoff come from the project's BaseTask (slsp_referent/celery.py);
acknowledgement after the work (acks_late) means a killed worker's build is redelivered,
and the services make that redelivery finish the build once.
"""

from celery import chord, shared_task
from django_scopes import scope, scopes_disabled

from apps.core.periods import Semester


@shared_task(name="reports.build_semester_report")
def build_semester_report(build_id: int, slsp_id: int) -> str:
    from apps.reports import services

    with scope(slsp=[slsp_id]):
        build = services.run_build(build_id)
    return build.status if build is not None else "gone"


@shared_task(name="reports.build_semester_drafts")
def build_semester_drafts(year: int | None = None, semester: int | None = None) -> int:
    """Celery beat, on 1 January and 1 July: drafts of the semester that just ended."""
    from apps.reports import services

    if year is None or semester is None:
        period = Semester.last_ended()
        year, semester = period.year, period.half
    return services.build_drafts_for_all(year, semester)


@shared_task(name="reports.requeue_stalled_builds")
def requeue_stalled_builds() -> int:
    """Every few minutes: re-send builds left queued while Redis was down (idempotent)."""
    from apps.reports import services

    with scopes_disabled():  # reads ids and statuses only
        return services.requeue_stalled()


@shared_task(name="reports.regional_slsp_figures")
def regional_slsp_figures(regional_id: int, slsp_id: int, year: int, semester: int) -> dict:
    """One SLSP's aggregates for the regional report (run in parallel, one per SLSP)."""
    from apps.reports import regional_report

    with scope(slsp=[slsp_id]):
        return regional_report.slsp_figures(regional_id, slsp_id, year, semester)


@shared_task(name="reports.regional_assemble")
def regional_assemble(results: list, regional_id: int) -> str:
    from apps.reports import regional_report

    with scopes_disabled():  # aggregates of every SLSP, no personal field
        return regional_report.assemble(regional_id, results).status


@shared_task(name="reports.build_regional_report")
def build_regional_report(regional_id: int) -> str:
    """Fan out one task per SLSP, then assemble the PDF when all have answered (a chord)."""
    from apps.reports import regional_report

    with scopes_disabled():
        plan = regional_report.start(regional_id)
    if plan is None:
        return "skipped"
    year, semester, slsp_ids = plan
    chord(regional_slsp_figures.s(regional_id, slsp_id, year, semester) for slsp_id in slsp_ids)(
        regional_assemble.s(regional_id)
    )
    return "started"
