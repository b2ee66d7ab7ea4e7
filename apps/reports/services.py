"""Writes of the semestrial reports: drafts, evaluation, validation, versions, PDF builds.

Every rule lives here. Builds are idempotent: asking twice while one is queued or
building returns that build (row lock on the report plus a partial unique
constraint), and running a build twice (at-least-once delivery after a worker died)
finishes it once.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.periods import Semester
from apps.reports import indicators
from apps.reports.models import (
    ACTIVE_BUILD,
    BuildStatus,
    ItemEvaluation,
    ReportBuild,
    ReportStatus,
    SemesterReport,
)

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.slsps.models import Slsp

logger = logging.getLogger(__name__)

EVALUATION_FIELDS = ("worked", "obstacles", "next_steps")


def check_semester(year: int, semester: int, today: datetime.date | None = None) -> None:
    """A report covers a semester that has started, from 2011 (the reform) on."""
    today = today or timezone.localdate()
    if semester not in (1, 2):
        raise ValidationError(_("Le semestre doit être 1 ou 2."))
    if year < 2011:
        raise ValidationError(_("Les rapports commencent en 2011."))
    if Semester(year, semester).start > today:
        raise ValidationError(_("Ce semestre n'a pas encore commencé."))


def sync_evaluations(report: SemesterReport) -> None:
    """A draft has one evaluation per objective and priority axis of the year's strategy."""
    from apps.slsps.models import StrategyItem

    if not report.is_draft:
        return
    have = set(report.evaluations.values_list("item_id", flat=True))
    items = StrategyItem.objects.filter(slsp_id=report.slsp_id, strategy__year=report.year).exclude(
        pk__in=[i for i in have if i]
    )
    ItemEvaluation.objects.bulk_create(
        [
            ItemEvaluation(
                slsp_id=report.slsp_id,
                report=report,
                item=item,
                kind=item.kind,
                title=item.title,
                order=item.order,
            )
            for item in items
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def open_report(
    slsp: Slsp, year: int, semester: int, user: User | None
) -> tuple[SemesterReport, bool]:
    """The current version of the semester's report, or a new first draft."""
    check_semester(year, semester)
    latest = (
        SemesterReport.objects.select_for_update()
        .filter(slsp=slsp, year=year, semester=semester)
        .order_by("-version")
        .first()
    )
    if latest is not None:
        return latest, False
    try:
        with transaction.atomic():
            report = SemesterReport.objects.create(
                slsp=slsp, year=year, semester=semester, version=1, created_by=user
            )
    except IntegrityError:
        # A concurrent request created it first.
        report = SemesterReport.objects.get(slsp=slsp, year=year, semester=semester, version=1)
        return report, False
    sync_evaluations(report)
    return report, True


def _locked(report: SemesterReport) -> SemesterReport:
    return SemesterReport.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def save_evaluation(
    report: SemesterReport, user: User, *, summary: str, items: dict[int, dict[str, Any]]
) -> SemesterReport:
    """Write the référent's texts. `items` maps an evaluation's pk to its three texts."""
    report = _locked(report)
    if not report.is_draft:
        raise ValidationError(
            _("Ce rapport est validé et figé : créez une nouvelle version pour le modifier.")
        )
    report.summary = summary
    report.save(update_fields=["summary", "updated_at"])
    evaluations = {e.pk: e for e in report.evaluations.all()}
    unknown = set(items) - set(evaluations)
    if unknown:
        raise ValidationError(_("Un objectif évalué n'appartient pas à ce rapport."))
    changed = []
    for pk, texts in items.items():
        evaluation = evaluations[pk]
        for name in EVALUATION_FIELDS:
            setattr(evaluation, name, texts.get(name, ""))
        changed.append(evaluation)
    ItemEvaluation.objects.bulk_update(changed, list(EVALUATION_FIELDS))
    return report


def refresh_indicators(report: SemesterReport) -> SemesterReport:
    """Recompute a draft's indicators (a validated report keeps its frozen ones)."""
    if not report.is_draft:
        return report
    from apps.slsps.models import ActionStrategy

    snapshot = indicators.compute(report.slsp_id, report.year, report.semester)
    strategy = ActionStrategy.objects.filter(slsp_id=report.slsp_id, year=report.year).first()
    snapshot["strategy_summary"] = strategy.summary if strategy else ""
    report.indicators = snapshot
    report.computed_at = timezone.now()
    report.save(update_fields=["indicators", "computed_at", "updated_at"])
    return report


@transaction.atomic
def validate(report: SemesterReport, user: User) -> SemesterReport:
    """The direction validates: indicators and texts are frozen; the final PDF is built."""
    report = _locked(report)
    if not report.is_draft:
        raise ValidationError(_("Cette version est déjà validée."))
    if not report.summary.strip() and not report.evaluations.exclude(worked="").exists():
        raise ValidationError(
            _("L'évaluation est vide : le référent doit la rédiger avant la validation.")
        )
    report = refresh_indicators(report)
    report.status = ReportStatus.VALIDATED
    report.validated_by = user
    report.validated_at = timezone.now()
    report.save(update_fields=["status", "validated_by", "validated_at", "updated_at"])
    request_build(report, user)
    return report


@transaction.atomic
def new_version(report: SemesterReport, user: User) -> SemesterReport:
    """A new draft after a validated version, starting from its texts."""
    report = _locked(report)
    latest = (
        SemesterReport.objects.filter(
            slsp_id=report.slsp_id, year=report.year, semester=report.semester
        ).aggregate(v=Max("version"))["v"]
        or 0
    )
    if report.is_draft or report.version != latest:
        raise ValidationError(_("Seule la dernière version validée peut être reprise."))
    draft = SemesterReport.objects.create(
        slsp_id=report.slsp_id,
        year=report.year,
        semester=report.semester,
        version=report.version + 1,
        summary=report.summary,
        created_by=user,
    )
    ItemEvaluation.objects.bulk_create(
        [
            ItemEvaluation(
                slsp_id=e.slsp_id,
                report=draft,
                item_id=e.item_id,
                kind=e.kind,
                title=e.title,
                order=e.order,
                worked=e.worked,
                obstacles=e.obstacles,
                next_steps=e.next_steps,
            )
            for e in report.evaluations.all()
        ]
    )
    sync_evaluations(draft)
    return draft


# --- PDF builds ----------------------------------------------------------------


def stale_after() -> timedelta:
    """An active build older than this was lost (its worker and message are gone)."""
    limit = settings.CELERY_TASK_TIME_LIMIT + settings.CELERY_BROKER_VISIBILITY_TIMEOUT
    return timedelta(seconds=limit * 2)


REQUEUE_AFTER = timedelta(seconds=60)


def _enqueue(build: ReportBuild) -> None:
    """Send the task after commit; Redis down leaves the build queued (page says paused)."""
    from apps.reports.tasks import build_semester_report

    def send() -> None:
        from apps.core.security import background_available

        if not background_available():
            # Redis is down: the build waits as queued; asking again re-sends it.
            logger.warning("report build %s queued while background work is paused", build.pk)
            return
        try:
            build_semester_report.apply_async(
                args=(build.pk, build.slsp_id), retry=True, retry_policy={"max_retries": 1}
            )
        except Exception:  # broker unreachable: the next request re-sends it
            logger.warning("report build %s queued while the broker is unreachable", build.pk)

    transaction.on_commit(send)


@transaction.atomic
def request_build(report: SemesterReport, user: User | None) -> ReportBuild:
    """The build of this version that is queued or running, or a new one (idempotent)."""
    report = _locked(report)
    active = ReportBuild.objects.filter(ACTIVE_BUILD, report=report).first()
    now = timezone.now()
    if active is not None:
        since = active.started_at or active.created_at
        if now - since > stale_after():
            active.status = BuildStatus.FAILED
            active.error = _("Construction interrompue (travail en arrière-plan perdu).")
            active.finished_at = now
            active.save(update_fields=["status", "error", "finished_at"])
        else:
            if active.status == BuildStatus.QUEUED and now - active.created_at > REQUEUE_AFTER:
                _enqueue(
                    active
                )  # the message may have been lost with Redis: the task is idempotent
            return active
    build = ReportBuild.objects.create(slsp_id=report.slsp_id, report=report, requested_by=user)
    _enqueue(build)
    return build


def _set_progress(build_id: int, percent: int) -> None:
    ReportBuild.objects.filter(pk=build_id).update(progress=percent)


def _claim(build_id: int) -> ReportBuild | None:
    """Mark the build as running; None when it is already finished (a redelivery) or
    gone (its report deleted while the task waited in the queue)."""
    with transaction.atomic():
        build = ReportBuild.objects.select_for_update().filter(pk=build_id).first()
        if build is None:
            logger.warning("report build %s no longer exists: nothing to build", build_id)
            return None
        if build.status in (BuildStatus.READY, BuildStatus.FAILED):
            return None
        build.status = BuildStatus.BUILDING
        build.attempts += 1
        build.progress = 5
        build.error = ""
        build.started_at = timezone.now()
        build.save(update_fields=["status", "attempts", "progress", "error", "started_at"])
        return build


def run_build(build_id: int) -> ReportBuild | None:
    """Compute the indicators (drafts), render the PDF, store it with its checksum."""
    from apps.reports import documents

    build = _claim(build_id)
    if build is None:
        return ReportBuild.objects.filter(pk=build_id).first()
    report = SemesterReport.objects.select_related("slsp").get(pk=build.report_id)
    try:
        if report.is_draft:
            sync_evaluations(report)
            report = refresh_indicators(report)
        _set_progress(build_id, 30)
        pdf = documents.semester_pdf(report, progress=lambda p: _set_progress(build_id, p))
        _set_progress(build_id, 90)
    except Exception as exc:
        logger.exception("report build %s failed", build_id)
        ReportBuild.objects.filter(pk=build_id, status=BuildStatus.BUILDING).update(
            status=BuildStatus.FAILED,
            error=(_("La construction du PDF a échoué : %s") % exc)[:500],
            finished_at=timezone.now(),
        )
        return ReportBuild.objects.get(pk=build_id)
    with transaction.atomic():
        build = ReportBuild.objects.select_for_update().get(pk=build_id)
        if build.status == BuildStatus.READY:
            return build  # a concurrent delivery finished first: keep its file
        build.pdf.save(f"rapport-{report.pk}.pdf", ContentFile(pdf), save=False)
        build.sha256 = hashlib.sha256(pdf).hexdigest()
        build.size = len(pdf)
        build.status = BuildStatus.READY
        build.progress = 100
        build.finished_at = timezone.now()
        build.save(update_fields=["pdf", "sha256", "size", "status", "progress", "finished_at"])
    return build


def verify(build: ReportBuild) -> bool:
    """The stored file still matches the checksum taken when it was built."""
    name = build.pdf.name
    if not name:
        return False
    digest = hashlib.sha256()
    with build.pdf.storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest() == build.sha256


def requeue_stalled() -> int:
    """Builds still queued after REQUEUE_AFTER lost their message (broker down): send again."""
    limit = timezone.now() - REQUEUE_AFTER
    stalled = list(ReportBuild.objects.filter(status=BuildStatus.QUEUED, created_at__lt=limit))
    with transaction.atomic():
        for build in stalled:
            _enqueue(build)
    return len(stalled)


def build_drafts_for_all(year: int, semester: int) -> int:
    """Beat, the day after a semester ends: a draft and its PDF for every SLSP."""
    from django_scopes import scope

    from apps.slsps.models import Slsp

    count = 0
    for slsp in Slsp.objects.order_by("pk"):
        with scope(slsp=[slsp.pk]):
            report, _created = open_report(slsp, year, semester, None)
            if report.is_draft:
                request_build(report, None)
                count += 1
    return count
