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
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Role, User
from apps.accounts.notifications import notify
from apps.core.periods import Semester
from apps.reports import indicators, names
from apps.reports.models import (
    ACTIVE_BUILD,
    BuildStatus,
    ItemEvaluation,
    ReportBuild,
    ReportEvent,
    ReportEventKind,
    ReportStatus,
    SemesterReport,
)
from apps.tenants.queries import person_names

if TYPE_CHECKING:
    from apps.slsps.models import Slsp

logger = logging.getLogger(__name__)

EVALUATION_FIELDS = ("worked", "obstacles", "next_steps")
FIELD_LABELS = {
    "worked": gettext_lazy("Ce qui a fonctionné"),
    "obstacles": gettext_lazy("Obstacles rencontrés"),
    "next_steps": gettext_lazy("Prochaines étapes"),
}


PERSON_NAMED = "person_named"


def normalize_newlines(text: str) -> str:
    """One line break is one character, as the browser's maxlength counts it."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def name_tokens_of(slsp_id: int) -> frozenset[str]:
    """Words naming one of the SLSP's tenants (households and members): two queries."""
    return names.name_tokens(person_names(slsp_id))


def named_person_errors(report: SemesterReport, tokens: frozenset[str]) -> list[str]:
    """One message per text of the report that contains a tenant's name."""
    errors = []
    word = names.find_name(report.summary, tokens)
    if word:
        errors.append(
            _("Appréciation générale : le texte contient « %(word)s », le nom d'une personne.")
            % {"word": word}
        )
    for evaluation in report.evaluations.all():
        for field in EVALUATION_FIELDS:
            word = names.find_name(getattr(evaluation, field), tokens)
            if word:
                errors.append(
                    _(
                        "« %(title)s », %(field)s : le texte contient « %(word)s », "
                        "le nom d'une personne."
                    )
                    % {"title": evaluation.title, "field": FIELD_LABELS[field], "word": word}
                )
    return errors


def evaluation_gaps(report: SemesterReport) -> list[str]:
    """Parts of the evaluation left empty, named for the direction before it validates."""
    gaps = []
    if not report.summary.strip():
        gaps.append(_("Appréciation générale"))
    for evaluation in report.evaluations.all():
        empty = [
            str(FIELD_LABELS[f]) for f in EVALUATION_FIELDS if not getattr(evaluation, f).strip()
        ]
        if empty:
            gaps.append(
                _("« %(title)s » : %(fields)s")
                % {"title": evaluation.title, "fields": ", ".join(empty)}
            )
    return gaps


def staff_to_tell(slsp_id: int) -> list[User]:
    """The SLSP's référents and direction: who hears about their report's steps."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__slsp_id=slsp_id,
            memberships__role__in=[Role.REFERENT, Role.DIRECTION],
        ).distinct()
    )


def _tell_staff(report: SemesterReport, title: Any, body: Any = "") -> None:
    """After commit: in the application and by e-mail, in each person's language."""
    url = reverse("reports:semester_detail", kwargs={"uuid": report.uuid})
    slsp_id = report.slsp_id
    transaction.on_commit(lambda: notify(staff_to_tell(slsp_id), title=title, body=body, url=url))


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
def send_back(report: SemesterReport, user: User, comment: str) -> SemesterReport:
    """The direction returns the draft to the référent with what to change."""
    report = _locked(report)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError(_("Seul un brouillon peut être renvoyé au référent."))
    comment = normalize_newlines(comment).strip()
    if not comment:
        raise ValidationError(_("Dites au référent ce qu'il doit revoir."))
    report.status = ReportStatus.SENT_BACK
    report.save(update_fields=["status", "updated_at"])
    ReportEvent.objects.create(
        slsp_id=report.slsp_id,
        report=report,
        kind=ReportEventKind.SENT_BACK,
        by_user=user,
        comment=comment,
    )
    # The comment is free text and may name a tenant: it stays in the application.
    _tell_staff(
        report,
        format_lazy(gettext_lazy("Rapport {label} renvoyé au référent"), label=report.label),
        gettext_lazy("Le commentaire de la direction se lit sur la page du rapport."),
    )
    return report


@transaction.atomic
def validate(
    report: SemesterReport, user: User, *, names_no_person: bool = False
) -> SemesterReport:
    """The direction validates: indicators and texts are frozen; the final PDF is built.

    `names_no_person`: the direction confirms the evaluation names nobody; the texts are
    then released to the SWL, provided none contains a tenant's name.
    """
    report = _locked(report)
    if not report.is_draft:
        raise ValidationError(_("Cette version est déjà validée."))
    if not report.summary.strip() and not report.evaluations.exclude(worked="").exists():
        raise ValidationError(
            _("L'évaluation est vide : le référent doit la rédiger avant la validation.")
        )
    if names_no_person:
        errors = named_person_errors(report, name_tokens_of(report.slsp_id))
        if errors:
            raise ValidationError([ValidationError(e, code=PERSON_NAMED) for e in errors])
    report = refresh_indicators(report)
    now = timezone.now()
    report.status = ReportStatus.VALIDATED
    report.validated_by = user
    report.validated_at = now
    report.released_at = now if names_no_person else None
    report.save(
        update_fields=["status", "validated_by", "validated_at", "released_at", "updated_at"]
    )
    ReportEvent.objects.create(
        slsp_id=report.slsp_id, report=report, kind=ReportEventKind.VALIDATED, by_user=user
    )
    if names_no_person:
        ReportEvent.objects.create(
            slsp_id=report.slsp_id, report=report, kind=ReportEventKind.RELEASED, by_user=user
        )
    _tell_staff(
        report,
        format_lazy(gettext_lazy("Rapport {label} validé par la direction"), label=report.label),
    )
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
        _tell_staff(
            report,
            format_lazy(
                gettext_lazy("PDF du rapport {label} prêt ({state})"),
                label=report.label,
                state=gettext_lazy("brouillon")
                if report.is_draft
                else gettext_lazy("version validée"),
            ),
        )
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
