"""Writes of the calls app: lifecycle, dossiers, submission, jury, decisions."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _lazy
from django_scopes import scopes_disabled

from apps.accounts.models import Membership, Role, User
from apps.accounts.notifications import notify
from apps.calls.models import (
    Assignment,
    Attachment,
    Call,
    CallStatus,
    Decision,
    Dossier,
    DossierApplicant,
    DossierStatus,
    DossierVersion,
    Score,
)
from apps.core import formats

if TYPE_CHECKING:
    from django.forms import BaseInlineFormSet, ModelForm

    from apps.calls.models import Criterion
    from apps.slsps.models import Slsp


# --- Call lifecycle: a small state machine ---

TRANSITIONS = {
    CallStatus.DRAFT: (CallStatus.OPEN,),
    CallStatus.OPEN: (CallStatus.CLOSED,),
    CallStatus.CLOSED: (CallStatus.REVIEW,),
    CallStatus.REVIEW: (CallStatus.DELIBERATION,),
    CallStatus.DELIBERATION: (CallStatus.DECIDED,),
    CallStatus.DECIDED: (),
}


class TransitionRefused(Exception):
    """An illegal or premature change of a call's status; the message is in French."""


def allowed_transitions(call: Call) -> tuple[str, ...]:
    return TRANSITIONS[CallStatus(call.status)]


def _guard(call: Call, target: str, now: datetime.datetime) -> None:
    if target not in allowed_transitions(call):
        raise TransitionRefused(
            _("Passage impossible de « %(current)s » à « %(target)s ».")
            % {
                "current": CallStatus(call.status).label,
                "target": CallStatus(target).label if target in CallStatus.values else target,
            }
        )
    if target == CallStatus.OPEN and not call.criteria.exists():
        raise TransitionRefused(_("Ajoutez au moins un critère avant d'ouvrir l'appel."))
    if target == CallStatus.CLOSED and now < call.closes_at:
        raise TransitionRefused(
            _("L'appel ne peut être clôturé avant son heure de clôture (%(at)s).")
            % {"at": formats.moment(call.closes_at)}
        )
    if target == CallStatus.DELIBERATION:
        pending = Assignment.objects.filter(
            dossier__call=call, status=Assignment.Status.DRAFT
        ).exclude(conflict=Assignment.Conflict.CONFLICT)
        if pending.exists():
            raise TransitionRefused(
                _("%(n)d évaluation(s) ne sont pas encore remises : la délibération attend.")
                % {"n": pending.count()}
            )
    if target == CallStatus.DECIDED:
        with scopes_disabled():
            undecided = Dossier.objects.filter(
                call=call, status=DossierStatus.SUBMITTED, decision__isnull=True
            ).count()
        if undecided:
            raise TransitionRefused(
                _("%(n)d dossier(s) déposé(s) n'ont pas encore de décision.") % {"n": undecided}
            )


def transition(call: Call, target: str) -> Call:
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        _guard(call, target, timezone.now())
        call.status = target
        call.save(update_fields=["status", "updated_at"])
    return call


@transaction.atomic
def save_call(form: ModelForm[Call], formset: BaseInlineFormSet[Criterion, Call, Any]) -> Call:
    call = form.save()
    formset.instance = call
    criteria = formset.save(commit=False)
    for obj in formset.deleted_objects:
        obj.delete()
    for position, criterion in enumerate(criteria):
        criterion.call = call
        if not criterion.position:
            criterion.position = position + 1
        criterion.save()
    return call


def save_deliberation_notes(call: Call, notes: str) -> None:
    call.deliberation_notes = notes
    call.save(update_fields=["deliberation_notes", "updated_at"])


# --- Dossiers ---


def is_open_for_submission(call: Call, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return call.status == CallStatus.OPEN and call.opens_at <= now < call.closes_at


@transaction.atomic
def create_dossier(call: Call, lead_slsp: Slsp, user: User, form: ModelForm[Dossier]) -> Dossier:
    dossier = form.save(commit=False)
    dossier.call = call
    dossier.lead_slsp = lead_slsp
    dossier.created_by = user
    dossier.save()
    form.save_m2m()
    _set_applicants(dossier, form.cleaned_data.get("co_applicants") or [])
    return dossier


@transaction.atomic
def update_dossier(dossier: Dossier, form: ModelForm[Dossier]) -> Dossier:
    # Only the form's own columns: a full save would write back the approval as it was
    # when the page was loaded, undoing a withdrawal made meanwhile by another edit.
    dossier = form.save(commit=False)
    columns = [f for f in form._meta.fields or () if f in form.fields]  # m2m: save_m2m
    dossier.save(update_fields=[*columns, "updated_at"])
    form.save_m2m()
    _set_applicants(dossier, form.cleaned_data.get("co_applicants") or [])
    if form.has_changed():
        withdraw_approval(dossier)
    return dossier


# --- Approval by the direction ---


def approve_dossier(dossier: Dossier, user: User) -> Dossier:
    """The lead SLSP's direction approves the dossier as it stands (complete, draft)."""
    with transaction.atomic(), scopes_disabled():
        dossier = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("call", "lead_slsp")
            .get(pk=dossier.pk)
        )
        if dossier.status != DossierStatus.DRAFT:
            raise SubmissionRefused(_("Seul un dossier en brouillon s'approuve."))
        missing = missing_items(dossier)
        if missing:
            raise SubmissionRefused(_("Le dossier est incomplet."), missing)
        dossier.approved_by = user
        dossier.approved_at = timezone.now()
        dossier.save(update_fields=["approved_by", "approved_at", "updated_at"])
        notify(
            _staff_of(dossier.lead_slsp_id, Role.REFERENT),
            title=format_lazy(
                _lazy("Dossier approuvé par la direction : {title}"), title=dossier.title
            ),
            url=reverse("calls:dossier_detail", kwargs={"uuid": dossier.uuid}),
        )
    return dossier


def _staff_of(slsp_id: int, role: str) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(role=role, slsp_id=slsp_id).values("user_id"),
    )


def request_approval(dossier: Dossier) -> int:
    """Tell the lead SLSP's direction that a complete draft awaits its approval; the
    number of people told (0: no direction account in that SLSP)."""
    if dossier.status != DossierStatus.DRAFT or dossier.is_approved:
        raise SubmissionRefused(_("Ce dossier n'attend pas d'approbation."))
    missing = missing_items(dossier)
    if missing:
        raise SubmissionRefused(_("Le dossier est incomplet."), missing)
    directors = list(_staff_of(dossier.lead_slsp_id, Role.DIRECTION))
    notify(
        directors,
        title=format_lazy(_lazy("Dossier à approuver : {title}"), title=dossier.title),
        body=_lazy("Le dossier est complet : il attend votre approbation avant son dépôt."),
        url=reverse("calls:dossier_detail", kwargs={"uuid": dossier.uuid}),
    )
    return len(directors)


def withdraw_approval(dossier: Dossier) -> bool:
    """Any change after the approval withdraws it: the direction approves what is
    submitted, not an earlier state. True when an approval was withdrawn."""
    with scopes_disabled():
        withdrawn = Dossier.objects.filter(pk=dossier.pk, approved_at__isnull=False).update(
            approved_by=None, approved_at=None, updated_at=timezone.now()
        )
    dossier.approved_by, dossier.approved_at = None, None
    return bool(withdrawn)


def _set_applicants(dossier: Dossier, co_applicants: Iterable[Slsp]) -> None:
    wanted = {dossier.lead_slsp_id} | {s.pk for s in co_applicants}
    with scopes_disabled():
        DossierApplicant.objects.filter(dossier=dossier).exclude(slsp_id__in=wanted).delete()
        existing = set(
            DossierApplicant.objects.filter(dossier=dossier).values_list("slsp_id", flat=True)
        )
        DossierApplicant.objects.bulk_create(
            DossierApplicant(dossier=dossier, slsp_id=s, is_lead=s == dossier.lead_slsp_id)
            for s in sorted(wanted - existing)
        )


@transaction.atomic
def save_lines(formset: BaseInlineFormSet[Any, Dossier, Any]) -> None:
    """Actions or budget lines: a whole formset, positions kept in the order shown."""
    objects = formset.save(commit=False)
    for obj in formset.deleted_objects:
        obj.delete()
    for position, obj in enumerate(objects, start=1):
        obj.position = obj.position or position
        obj.save()
    if objects or formset.deleted_objects:
        withdraw_approval(formset.instance)


def add_attachment(dossier: Dossier, user: User, title: str, uploaded: UploadedFile) -> Attachment:
    # An upload always knows its size; the stubs allow None for files built by hand.
    attachment = Attachment(dossier=dossier, title=title, uploaded_by=user, size=uploaded.size or 0)
    attachment.file.save("annexe.pdf", uploaded, save=False)
    try:
        with transaction.atomic():
            attachment.save()
            withdraw_approval(dossier)
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


def missing_items(dossier: Dossier) -> list[str]:
    """Everything that prevents submission, all at once (French sentences)."""
    missing = []
    call = dossier.call
    if not dossier.title.strip():
        missing.append(_("le titre du projet"))
    if not dossier.summary.strip():
        missing.append(_("le résumé du projet"))
    actions = list(dossier.actions.all())
    if not actions:
        missing.append(_("au moins une action"))
    elif any(not (a.individual or a.collective) for a in actions):
        missing.append(_("la dimension (individuelle et/ou collective) de chaque action"))
    if not dossier.domains:
        missing.append(_("au moins un domaine"))
    if not dossier.target_publics:
        missing.append(_("au moins un public visé"))
    lines = list(dossier.budget_lines.all())
    if not lines:
        missing.append(_("au moins une ligne budgétaire"))
    if dossier.requested_amount is None:
        missing.append(_("le montant demandé"))
    elif dossier.requested_amount > call.ceiling_per_dossier:
        missing.append(
            _("un montant demandé sous le plafond de %(ceiling)s")
            % {"ceiling": formats.amount(call.ceiling_per_dossier)}
        )
    elif lines:
        shortfall = budget_shortfall(dossier.requested_amount, [line.amount for line in lines])
        if shortfall:
            missing.append(shortfall)
    return missing


def budget_shortfall(requested: Decimal | None, amounts: Iterable[Decimal]) -> str:
    """The refusal naming the gap when the detailed budget does not cover the requested
    amount; "" when it does (or nothing is requested yet). Read by the budget page and the
    submission, so both say the same figures."""
    total = sum(amounts, Decimal(0))
    if requested is None or total >= requested:
        return ""
    return _(
        "Le budget (%(total)s) est inférieur de %(gap)s au montant demandé (%(requested)s)"
    ) % {
        "total": formats.amount(total),
        "gap": formats.amount(requested - total),
        "requested": formats.amount(requested),
    }


class SubmissionRefused(Exception):
    def __init__(self, message: str, missing: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.missing = missing or []


def submit_dossier(dossier: Dossier, user: User) -> DossierVersion:
    """Freeze the dossier as a new version with a PDF receipt; refused after closing time."""
    with transaction.atomic(), scopes_disabled():
        dossier = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("call", "lead_slsp")
            .get(pk=dossier.pk)
        )
        # The server's clock decides, to the second, at the moment of the write.
        now = timezone.now()
        if not is_open_for_submission(dossier.call, now):
            raise SubmissionRefused(
                _("L'appel n'accepte plus de dépôt : il a été clôturé le %(at)s.")
                % {"at": formats.moment(dossier.call.closes_at)}
                if now >= dossier.call.closes_at
                else _("L'appel n'est pas ouvert aux dépôts.")
            )
        if dossier.status != DossierStatus.DRAFT:
            raise SubmissionRefused(_("Ce dossier a déjà été déposé."))
        missing = missing_items(dossier)
        if missing:
            raise SubmissionRefused(_("Le dossier est incomplet."), missing)
        if not dossier.is_approved:
            raise SubmissionRefused(
                _("La direction de la SLSP porteuse doit approuver le dossier avant son dépôt.")
            )
        return freeze(dossier, user, now)


def freeze(
    dossier: Dossier, user: User | None, now: datetime.datetime, with_receipt: bool = True
) -> DossierVersion:
    """Store the dossier as a new numbered version with its PDF receipt, mark it submitted.

    No deadline or completeness check here: `submit_dossier` makes them under its lock;
    the demo data calls this directly to record submissions made in the past, and skips
    most receipts (rendered on first download by `ensure_receipt`) to seed quickly.
    """
    number = (dossier.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = DossierVersion(
        dossier=dossier,
        number=number,
        snapshot=snapshot_of(dossier),
        submitted_at=now,
        submitted_by=user,
    )
    if with_receipt:
        _store_receipt(version)
    version.save()
    dossier.status = DossierStatus.SUBMITTED
    dossier.submitted_at = now
    dossier.save(update_fields=["status", "submitted_at", "updated_at"])
    return version


def _store_receipt(version: DossierVersion) -> None:
    from apps.calls import receipts

    pdf = receipts.receipt_pdf(version.dossier, version)
    version.receipt.save("recepisse.pdf", ContentFile(pdf), save=False)


def ensure_receipt(version: DossierVersion) -> DossierVersion:
    """The receipt only reads the frozen snapshot, so rendering it late gives the same
    document as at submission; used for versions recorded without one."""
    if not version.receipt:
        with transaction.atomic():
            version = (
                DossierVersion.objects.select_for_update()
                .select_related("dossier")
                .get(pk=version.pk)
            )
            if not version.receipt:
                _store_receipt(version)
                version.save(update_fields=["receipt"])
    return version


def withdraw_dossier(dossier: Dossier) -> None:
    with transaction.atomic(), scopes_disabled():
        dossier = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("call")
            .get(pk=dossier.pk)
        )
        if dossier.status != DossierStatus.SUBMITTED:
            raise SubmissionRefused(_("Seul un dossier déposé peut être retiré."))
        if not is_open_for_submission(dossier.call):
            raise SubmissionRefused(_("L'appel est clôturé : le dossier ne peut plus être retiré."))
        dossier.status = DossierStatus.WITHDRAWN
        dossier.save(update_fields=["status", "updated_at"])


def reopen_dossier(dossier: Dossier) -> None:
    """A withdrawn dossier goes back to draft (while the call is open) to be corrected."""
    with transaction.atomic(), scopes_disabled():
        dossier = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("call")
            .get(pk=dossier.pk)
        )
        if dossier.status != DossierStatus.WITHDRAWN or not is_open_for_submission(dossier.call):
            raise SubmissionRefused(_("Ce dossier ne peut pas être rouvert."))
        dossier.status = DossierStatus.DRAFT
        dossier.save(update_fields=["status", "updated_at"])


def snapshot_of(dossier: Dossier) -> dict[str, Any]:
    with scopes_disabled():
        applicants = list(
            DossierApplicant.objects.filter(dossier=dossier)
            .select_related("slsp")
            .order_by("-is_lead", "slsp__official_name")
        )
    return {
        "title": dossier.title,
        "summary": dossier.summary,
        "call": dossier.call.title,
        "applicants": [{"slsp": a.slsp.official_name, "lead": a.is_lead} for a in applicants],
        "domains": list(dossier.domains),
        "target_publics": list(dossier.target_publics),
        "partners": list(dossier.partners.order_by("name").values_list("name", flat=True)),
        "actions": [
            {
                "title": a.title,
                "description": a.description,
                "individual": a.individual,
                "collective": a.collective,
            }
            for a in dossier.actions.all()
        ],
        "budget_lines": [
            {"label": line.label, "amount": str(line.amount)} for line in dossier.budget_lines.all()
        ],
        "requested_amount": str(dossier.requested_amount),
        "attachments": list(dossier.attachments.values_list("title", flat=True)),
        "approved_by": _person(dossier.approved_by) if dossier.approved_by_id else "",
        "approved_at": dossier.approved_at.isoformat() if dossier.approved_at else "",
    }


def _person(user: User | None) -> str:
    return (user.get_full_name() or user.email) if user else ""


# --- Jury ---


def conflicting_slsp_ids(user: User) -> set[int]:
    """Every SLSP where the person holds any role: dossiers of these SLSPs are excluded."""
    return {s for _r, s in user.role_pairs if s is not None}


def auto_conflict(user: User, dossier: Dossier) -> bool:
    return bool(conflicting_slsp_ids(user) & set(dossier.applicant_slsp_ids()))


class AssignmentRefused(Exception):
    pass


# Jurors are assigned once the call no longer accepts dossiers (a dossier can still be
# withdrawn while it is open) and before deliberation; they declare and score only
# during the review, so nothing moves the ranking once deliberation has begun.
ASSIGNMENT_PHASES = (CallStatus.CLOSED, CallStatus.REVIEW)
SCORING_PHASES = (CallStatus.REVIEW,)


def _check_assignment_phase(call: Call) -> None:
    if call.status not in ASSIGNMENT_PHASES:
        raise AssignmentRefused(
            _("Les jurés se désignent quand l'appel est clôturé ou en évaluation.")
        )


def _check_scoring_phase(assignment: Assignment) -> None:
    if assignment.dossier.call.status not in SCORING_PHASES:
        raise AssignmentRefused(_("L'évaluation est terminée pour cet appel."))


def assign(dossier: Dossier, juror: User) -> Assignment:
    _check_assignment_phase(dossier.call)
    if not juror.has_role(Role.JURY):
        raise AssignmentRefused(_("Cette personne n'est pas membre du jury."))
    if dossier.status != DossierStatus.SUBMITTED:
        raise AssignmentRefused(_("Seuls les dossiers déposés sont confiés au jury."))
    if auto_conflict(juror, dossier):
        raise AssignmentRefused(
            _("Conflit d'intérêts automatique : %(juror)s exerce un rôle dans une SLSP candidate.")
            % {"juror": juror}
        )
    assignment, _created = Assignment.objects.get_or_create(dossier=dossier, juror=juror)
    return assignment


@dataclass
class BalancedResult:
    created: int
    short: list[Dossier]  # dossiers that could not get N jurors


@transaction.atomic
def assign_balanced(
    call: Call, per_dossier: int, jurors: Iterable[User], dossiers: Iterable[Dossier]
) -> BalancedResult:
    """Give each dossier `per_dossier` jurors, always picking the least-loaded eligible ones.

    Existing assignments count; jurors linked to an applicant SLSP are skipped.
    """
    _check_assignment_phase(call)
    juror_list = list(jurors)
    load = Counter(Assignment.objects.filter(dossier__call=call).values_list("juror_id", flat=True))
    existing: dict[int, set[int]] = {}
    for dossier_id, juror_id in Assignment.objects.filter(dossier__call=call).values_list(
        "dossier_id", "juror_id"
    ):
        existing.setdefault(dossier_id, set()).add(juror_id)
    conflicts = {j.pk: conflicting_slsp_ids(j) for j in juror_list}
    rng = random.Random(call.pk)  # stable tie-breaks for the same call
    created = 0
    short: list[Dossier] = []
    new: list[Assignment] = []
    for dossier in dossiers:
        have = existing.get(dossier.pk, set())
        applicants = set(dossier.applicant_slsp_ids())
        eligible = [
            j for j in juror_list if j.pk not in have and not (conflicts[j.pk] & applicants)
        ]
        rng.shuffle(eligible)
        eligible.sort(key=lambda j: load[j.pk])
        needed = max(0, per_dossier - len(have))
        for juror in eligible[:needed]:
            new.append(Assignment(dossier=dossier, juror=juror))
            load[juror.pk] += 1
            created += 1
        if len(have) + min(needed, len(eligible)) < per_dossier:
            short.append(dossier)
    Assignment.objects.bulk_create(new)
    return BalancedResult(created=created, short=short)


def _lock_assignment(assignment: Assignment) -> None:
    """Take the assignment's row lock and reload what the checks read: a double click or
    a second tab waits here, then sees the first request's write instead of repeating
    it (two declarations, or scores created twice)."""
    with scopes_disabled():
        Assignment.objects.select_for_update().filter(pk=assignment.pk).exists()
    assignment.refresh_from_db(fields=["conflict", "status"])


@transaction.atomic
def declare_conflict(assignment: Assignment, has_conflict: bool, reason: str) -> None:
    _lock_assignment(assignment)
    _check_scoring_phase(assignment)
    if assignment.conflict != Assignment.Conflict.UNDECLARED:
        raise AssignmentRefused(_("La déclaration a déjà été faite."))
    assignment.conflict = Assignment.Conflict.CONFLICT if has_conflict else Assignment.Conflict.NONE
    assignment.conflict_reason = reason if has_conflict else ""
    assignment.declared_at = timezone.now()
    assignment.save(update_fields=["conflict", "conflict_reason", "declared_at"])
    if has_conflict:
        _prompt_replacement(assignment.dossier)


def _prompt_replacement(dossier: Dossier) -> None:
    """Tell the coordinators (who chair the jury) when a conflict leaves the dossier with
    fewer jurors than the call requires; the link opens the choice of a replacement."""
    from django.urls import reverse

    from apps.accounts.notifications import notify

    call = dossier.call
    available = (
        Assignment.objects.filter(dossier=dossier)
        .exclude(conflict=Assignment.Conflict.CONFLICT)
        .count()
    )
    if available >= call.jurors_per_dossier:
        return
    coordinators = User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(role=Role.COORDINATEUR).values("user_id"),
    )
    notify(
        coordinators,
        title=format_lazy(
            gettext_lazy("Conflit d'intérêts : un dossier de « {call} » manque de jurés"),
            call=call.title,
        ),
        body=format_lazy(
            gettext_lazy(
                "« {dossier} » n'a plus que {n} juré(s) sans conflit pour {required} "
                "requis. Choisissez un remplaçant dans la réserve."
            ),
            dossier=dossier.title,
            n=available,
            required=call.jurors_per_dossier,
        ),
        url=reverse("calls:replace", kwargs={"uuid": dossier.uuid}),
    )


@transaction.atomic
def replace_juror(dossier: Dossier, juror: User) -> Assignment:
    """A juror from the pool takes the place a conflict left (the same checks as any
    assignment: phase, role, automatic conflict)."""
    return assign(dossier, juror)


@transaction.atomic
def save_scores(
    assignment: Assignment, criteria: Iterable[Criterion], cleaned: dict[str, Any], *, submit: bool
) -> list[str]:
    """Store a draft; with `submit`, refuse (returning what is missing) unless complete."""
    _lock_assignment(assignment)
    if assignment.is_submitted:
        raise AssignmentRefused(_("Cette évaluation a déjà été remise."))
    _check_scoring_phase(assignment)
    missing = []
    existing = {s.criterion_id: s for s in assignment.scores.all()}
    to_create, to_update = [], []
    for criterion in criteria:
        value = cleaned.get(f"score_{criterion.pk}")
        comment = cleaned.get(f"comment_{criterion.pk}") or ""
        if value is None and criterion.counts:
            missing.append(criterion.label)
        score = existing.get(criterion.pk)
        if score is None:
            to_create.append(
                Score(assignment=assignment, criterion=criterion, value=value, comment=comment)
            )
        else:
            score.value, score.comment = value, comment
            to_update.append(score)
    if submit and missing:
        return missing  # nothing written yet: a refused submission changes no row
    Score.objects.bulk_create(to_create)
    Score.objects.bulk_update(to_update, ["value", "comment"])
    assignment.overall_comment = cleaned.get("overall_comment") or ""
    fields = ["overall_comment"]
    if submit:
        assignment.status = Assignment.Status.SUBMITTED
        assignment.submitted_at = timezone.now()
        fields += ["status", "submitted_at"]
    assignment.save(update_fields=fields)
    return []


def missing_scores(criteria: Iterable[Criterion], cleaned: dict[str, Any]) -> list[str]:
    """The counting criteria a score sheet leaves without a score."""
    return [c.label for c in criteria if c.counts and cleaned.get(f"score_{c.pk}") is None]


def submission_check(assignment: Assignment, criteria: Iterable[Criterion]) -> list[str]:
    """The counting criteria the juror has not scored yet (nothing to hand in while any)."""
    values = dict(assignment.scores.values_list("criterion_id", "value"))
    return [c.label for c in criteria if c.counts and values.get(c.pk) is None]


@transaction.atomic
def submit_review(assignment: Assignment, criteria: Iterable[Criterion]) -> list[str]:
    """Hand in the saved scores, for good (after the confirmation page); returns what is
    missing instead when a counting criterion has no score."""
    _lock_assignment(assignment)
    if assignment.is_submitted:
        raise AssignmentRefused(_("Cette évaluation a déjà été remise."))
    _check_scoring_phase(assignment)
    missing = submission_check(assignment, criteria)
    if missing:
        return missing
    assignment.status = Assignment.Status.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["status", "submitted_at"])
    return []


class DecisionRefused(Exception):
    pass


def decide(
    dossier: Dossier, user: User, outcome: str, granted: Decimal | None, rationale: str
) -> Decision:
    # The call's status now, not the one read when the page was opened.
    status = Call.objects.values_list("status", flat=True).get(pk=dossier.call_id)
    if status != CallStatus.DELIBERATION:
        raise DecisionRefused(_("Les décisions se prennent pendant la délibération."))
    decision, _created = Decision.objects.update_or_create(
        dossier=dossier,
        defaults={
            "outcome": outcome,
            "granted_amount": granted,
            "rationale": rationale,
            "decided_by": user,
        },
    )
    return decision


def jurors() -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(role=Role.JURY).values("user_id"),
    ).order_by("last_name", "first_name")


@transaction.atomic
def save_attendance(call: Call, attendees: Iterable[User]) -> None:
    if call.status != CallStatus.DELIBERATION:
        raise DecisionRefused(_("Les présences se notent pendant la délibération."))
    call.attendees.set(list(attendees))


def remind_late_jurors(now: datetime.datetime | None = None) -> int:
    """E-mail (and notify in the application) each juror who still has work on a call
    whose scoring deadline is within `JURY_REMINDER_DAYS` days: one reminder per juror
    and call, at most once a day. Returns the number of jurors reminded."""
    from django.conf import settings
    from django.urls import reverse

    from apps.accounts.notifications import notify
    from apps.core import formats as fmt

    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=settings.JURY_REMINDER_DAYS)
    since = now - datetime.timedelta(hours=20)
    late = (
        Assignment.objects.filter(
            dossier__call__status=CallStatus.REVIEW,
            dossier__call__scoring_deadline__isnull=False,
            dossier__call__scoring_deadline__lte=horizon,
            dossier__status=DossierStatus.SUBMITTED,
            status=Assignment.Status.DRAFT,
        )
        .exclude(conflict=Assignment.Conflict.CONFLICT)
        .exclude(reminded_at__gte=since)
        .select_related("dossier__call", "juror")
        .order_by("dossier__call_id", "juror_id")
    )
    grouped: dict[tuple[int, int], list[Assignment]] = {}
    for assignment in late:
        grouped.setdefault((assignment.dossier.call_id, assignment.juror_id), []).append(assignment)
    url = reverse("calls:jury_list")
    for assignments in grouped.values():
        call, juror = assignments[0].dossier.call, assignments[0].juror
        with transaction.atomic():
            notify(
                [juror],
                title=format_lazy(
                    gettext_lazy("Rappel : évaluations attendues pour « {call} »"),
                    call=call.title,
                ),
                body=format_lazy(
                    gettext_lazy(
                        "{n} dossier(s) attendent encore votre évaluation. "
                        "Remise au plus tard le {deadline}."
                    ),
                    n=len(assignments),
                    deadline=fmt.moment(call.scoring_deadline),
                ),
                url=url,
            )
            Assignment.objects.filter(pk__in=[a.pk for a in assignments]).update(reminded_at=now)
    return len(grouped)
