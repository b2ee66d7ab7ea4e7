from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.services import log_access
from apps.calls import display, exports, queries, receipts, services
from apps.calls.filters import LibraryFilter
from apps.calls.forms import (
    ActionFormSet,
    AssignForm,
    AttachmentForm,
    AttendanceForm,
    BalancedForm,
    BudgetLineFormSet,
    CallForm,
    ConflictForm,
    CriterionFormSet,
    DecisionForm,
    DossierCreateForm,
    DossierForm,
    NotesForm,
    ReplacementForm,
    ScoreForm,
    TransitionForm,
    with_one_more_row,
)
from apps.calls.models import (
    Assignment,
    CallStatus,
    Criterion,
    DossierStatus,
    DossierVersion,
)
from apps.core import formats as fmt
from apps.core.confirm import Confirmation, ConfirmForm, confirmation_page
from apps.core.forms import posted
from apps.core.pagination import counted_page
from apps.core.permissions import allowed, get_visible_or_404, permission_required, require
from apps.core.uploads import safe_download_name, serve_stored_file
from apps.slsps.models import Slsp


def _files(request):
    return request.FILES if request.method == "POST" else None


def _call(request, uuid, manage=False):
    if manage:
        require(request.user, "calls.manage_calls")
    return get_visible_or_404(queries.calls_for(request.user), uuid=uuid)


def _dossier(request, uuid):
    return get_visible_or_404(queries.dossier_detail(request.user, uuid))


def _editable_dossier(request, uuid):
    dossier = _dossier(request, uuid)
    require(request.user, "calls.change_dossier", dossier)
    if not dossier.is_editable:
        messages.error(request, _("Ce dossier a été déposé : il ne peut plus être modifié."))
        return dossier, redirect("calls:dossier_detail", uuid=dossier.uuid)
    return dossier, None


# --- Calls ---


@permission_required("calls.view_calls")
def index(request):
    calls = queries.calls_for(request.user).order_by("-opens_at")
    return render(
        request,
        "calls/index.html",
        {
            "calls": calls,
            "can_manage": allowed(request.user, "calls.manage_calls"),
            "can_draft": allowed(request.user, "calls.draft_dossier"),
        },
    )


@permission_required("calls.manage_calls")
def call_create(request):
    form = CallForm(posted(request))
    formset = CriterionFormSet(posted(request), prefix="criteria")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        call = services.save_call(form, formset)
        messages.success(request, _("L'appel a été créé (brouillon)."))
        return redirect("calls:call_detail", uuid=call.uuid)
    return render(request, "calls/call_form.html", {"form": form, "formset": formset})


def call_edit(request, uuid):
    call = _call(request, uuid, manage=True)
    if call.status not in (CallStatus.DRAFT, CallStatus.OPEN):
        messages.error(request, _("Un appel clôturé ne se modifie plus."))
        return redirect("calls:call_detail", uuid=call.uuid)
    form = CallForm(posted(request), instance=call)
    formset = CriterionFormSet(posted(request), instance=call, prefix="criteria")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        services.save_call(form, formset)
        messages.success(request, _("L'appel a été enregistré."))
        return redirect("calls:call_detail", uuid=call.uuid)
    return render(request, "calls/call_form.html", {"form": form, "formset": formset, "call": call})


@permission_required("calls.view_calls")
def call_detail(request, uuid):
    call = _call(request, uuid)
    user = request.user
    manage = allowed(user, "calls.manage_calls")
    context = {
        "call": call,
        "criteria": Criterion.objects.filter(call=call).order_by("position", "pk"),
        "manage": manage,
        "open_now": services.is_open_for_submission(call),
        "can_draft": allowed(user, "calls.draft_dossier"),
    }
    if manage:
        context["summary"] = queries.call_summary(call)
        targets = [CallStatus(t) for t in services.allowed_transitions(call)]
        context["transition_form"] = TransitionForm(targets=targets) if targets else None
    else:
        context["mine"] = queries.my_dossiers(user).filter(call=call)
    return render(request, "calls/call_detail.html", context)


@require_POST
def call_transition(request, uuid):
    call = _call(request, uuid, manage=True)
    targets = [CallStatus(t) for t in services.allowed_transitions(call)]
    form = TransitionForm(request.POST, targets=targets)
    if not form.is_valid():
        messages.error(request, _("Passage de statut refusé : choisissez un statut proposé."))
        return redirect("calls:call_detail", uuid=call.uuid)
    try:
        call = services.transition(call, form.cleaned_data["target"])
    except services.TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, _("L'appel est désormais « %(s)s ».") % {"s": call.get_status_display()}
        )
    return redirect("calls:call_detail", uuid=call.uuid)


# --- Dossiers ---


@permission_required("calls.view_my_dossiers")
def my_dossiers(request):
    return render(
        request, "calls/my_dossiers.html", {"dossiers": queries.my_dossiers(request.user)}
    )


@permission_required("calls.draft_dossier")
def dossier_create(request, uuid):
    call = _call(request, uuid)
    lead_slsps = list(
        Slsp.objects.filter(pk__in=request.user.slsp_ids(roles={"referent"})).order_by("pk")
    )
    if not lead_slsps:
        raise Http404
    if not services.is_open_for_submission(call):
        messages.error(request, _("Cet appel n'accepte pas de dossier en ce moment."))
        return redirect("calls:call_detail", uuid=call.uuid)
    form = DossierCreateForm(posted(request), call=call, lead_slsps=lead_slsps)
    if request.method == "POST" and form.is_valid():
        dossier = services.create_dossier(call, form.cleaned_data["lead_slsp"], request.user, form)
        messages.success(request, _("Le dossier a été créé. Ajoutez ses actions et son budget."))
        return redirect("calls:dossier_detail", uuid=dossier.uuid)
    return render(request, "calls/dossier_form.html", {"form": form, "call": call})


def dossier_detail(request, uuid):
    user = request.user
    dossier = _dossier(request, uuid)
    is_applicant = bool(set(user.slsp_ids()) & set(dossier.applicant_slsp_ids()))
    manage = allowed(user, "calls.manage_calls")
    if not (is_applicant or manage):
        # A juror reads the dossier through their assignment, after declaring no conflict.
        assignment = get_visible_or_404(queries.assignments_for(user), dossier=dossier)
        return redirect("calls:score", uuid=assignment.uuid)
    versions = list(DossierVersion.objects.filter(dossier=dossier).order_by("-number"))
    context = {
        "dossier": dossier,
        "versions": versions,
        "can_edit": dossier.is_editable and allowed(user, "calls.change_dossier", dossier),
        "can_withdraw": dossier.status == DossierStatus.SUBMITTED
        and services.is_open_for_submission(dossier.call)
        and allowed(user, "calls.change_dossier", dossier),
        "can_reopen": dossier.status == DossierStatus.WITHDRAWN
        and services.is_open_for_submission(dossier.call)
        and allowed(user, "calls.change_dossier", dossier),
        "manage": manage,
        "missing": services.missing_items(dossier) if dossier.is_editable else [],
        "can_approve": dossier.is_editable and allowed(user, "calls.approve_dossier", dossier),
        "open_now": services.is_open_for_submission(dossier.call),
    }
    if is_applicant:
        context["feedback"] = queries.applicant_feedback(dossier)
    return render(request, "calls/dossier_detail.html", context)


def dossier_edit(request, uuid):
    dossier, refused = _editable_dossier(request, uuid)
    if refused:
        return refused
    form = DossierForm(
        posted(request), instance=dossier, call=dossier.call, lead_slsp_id=dossier.lead_slsp_id
    )
    if request.method == "POST" and form.is_valid():
        was_approved = dossier.is_approved
        services.update_dossier(dossier, form)
        messages.success(request, _("Le dossier a été enregistré."))
        if was_approved and not dossier.is_approved:
            messages.warning(
                request,
                _("Le dossier a changé : la direction doit l'approuver à nouveau avant le dépôt."),
            )
        return redirect("calls:dossier_detail", uuid=dossier.uuid)
    return render(
        request, "calls/dossier_form.html", {"form": form, "call": dossier.call, "dossier": dossier}
    )


def _lines(request, uuid, formset_class, title, prefix, budget=False):
    dossier, refused = _editable_dossier(request, uuid)
    if refused:
        return refused
    data = posted(request)
    # Without JavaScript, "ajouter une ligne" posts the grid: re-render it, typed rows
    # kept, with one more row; nothing is saved.
    adding = data is not None and "add_row" in data
    if adding:
        data = with_one_more_row(data, prefix, formset_class.max_num)
    formset = formset_class(data, instance=dossier, prefix=prefix)
    if data is not None and not adding and formset.is_valid():
        services.save_lines(formset)
        messages.success(request, _("Les modifications ont été enregistrées."))
        return redirect("calls:dossier_detail", uuid=dossier.uuid)
    context = {
        "dossier": dossier,
        "formset": formset,
        "title": title,
        "prefix": prefix,
        "was_approved": dossier.is_approved,
    }
    if budget:
        amounts = formset.amounts()
        context["budget"] = {
            "total": sum(amounts, Decimal(0)),
            "requested": dossier.requested_amount,
            "shortfall": services.budget_shortfall(dossier.requested_amount, amounts),
        }
    return render(request, "calls/dossier_lines.html", context)


def dossier_actions(request, uuid):
    return _lines(request, uuid, ActionFormSet, _("Actions du projet"), "actions")


def dossier_budget(request, uuid):
    return _lines(request, uuid, BudgetLineFormSet, _("Budget détaillé"), "budget", budget=True)


def attachment_add(request, uuid):
    dossier, refused = _editable_dossier(request, uuid)
    if refused:
        return refused
    form = AttachmentForm(posted(request), _files(request))
    if request.method == "POST" and form.is_valid():
        services.add_attachment(
            dossier, request.user, form.cleaned_data["title"], form.cleaned_data["file"]
        )
        messages.success(request, _("L'annexe a été ajoutée."))
        return redirect("calls:dossier_detail", uuid=dossier.uuid)
    return render(request, "calls/attachment_form.html", {"dossier": dossier, "form": form})


def attachment_download(request, uuid):
    attachment = get_visible_or_404(queries.attachments_for(request.user), uuid=uuid)
    return serve_stored_file(attachment.file, attachment.title)


def _tell_refusal(request: HttpRequest, refused: services.SubmissionRefused) -> None:
    messages.error(request, refused.message)
    if refused.missing:
        messages.error(
            request, _("Il manque : %(items)s.") % {"items": " ; ".join(refused.missing)}
        )


@require_POST
def dossier_submit(request, uuid):
    dossier = _dossier(request, uuid)
    require(request.user, "calls.change_dossier", dossier)
    try:
        services.submit_dossier(dossier, request.user)
    except services.SubmissionRefused as refused:
        _tell_refusal(request, refused)
    else:
        messages.success(request, _("Le dossier a été déposé. Le récépissé est disponible."))
    return redirect("calls:dossier_detail", uuid=dossier.uuid)


@require_POST
def dossier_approve(request, uuid):
    dossier = _dossier(request, uuid)
    require(request.user, "calls.approve_dossier", dossier)
    try:
        services.approve_dossier(dossier, request.user)
    except services.SubmissionRefused as refused:
        _tell_refusal(request, refused)
    else:
        messages.success(request, _("Le dossier est approuvé : les référents peuvent le déposer."))
    return redirect("calls:dossier_detail", uuid=dossier.uuid)


@require_POST
def dossier_request_approval(request, uuid):
    dossier = _dossier(request, uuid)
    require(request.user, "calls.change_dossier", dossier)
    try:
        told = services.request_approval(dossier)
    except services.SubmissionRefused as refused:
        _tell_refusal(request, refused)
    else:
        if told:
            messages.success(request, _("La direction a été prévenue."))
        else:
            messages.warning(
                request, _("Aucun compte de direction dans la SLSP porteuse : prévenez-la.")
            )
    return redirect("calls:dossier_detail", uuid=dossier.uuid)


@require_POST
def dossier_withdraw(request, uuid):
    dossier = _dossier(request, uuid)
    require(request.user, "calls.change_dossier", dossier)
    action = services.reopen_dossier if request.POST.get("reopen") else services.withdraw_dossier
    try:
        action(dossier)
    except services.SubmissionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Le dossier a été mis à jour."))
    return redirect("calls:dossier_detail", uuid=dossier.uuid)


def receipt(request, uuid):
    user = request.user
    # Applicants and coordinators; jurors read the dossier itself, not the receipt.
    if allowed(user, "calls.manage_calls"):
        dossiers = queries.dossiers_for(user)
    elif user.slsp_ids():
        dossiers = queries.my_dossiers(user)
    else:
        raise Http404
    version = get_visible_or_404(
        DossierVersion.objects.select_related("dossier").filter(dossier__in=dossiers.values("pk")),
        uuid=uuid,
    )
    version = services.ensure_receipt(version)
    return serve_stored_file(version.receipt, f"recepisse-{version.dossier.title}")


# --- Jury ---


def jury_assign(request, uuid):
    call = _call(request, uuid, manage=True)
    dossiers = (
        queries.dossiers_for(request.user)
        .filter(call=call, status=DossierStatus.SUBMITTED)
        .prefetch_related(queries.applicants_prefetch())
        .order_by("title")
    )
    form = AssignForm(posted(request), jurors=services.jurors(), dossiers=dossiers)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign(form.cleaned_data["dossier"], form.cleaned_data["juror"])
        except services.AssignmentRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Le dossier a été confié à ce membre du jury."))
            return redirect("calls:jury_assign", uuid=call.uuid)
    return render(
        request,
        "calls/jury_assign.html",
        {
            "call": call,
            "form": form,
            "balanced_form": BalancedForm(),
            "progress": queries.progress(call),
            "short": queries.short_of_jurors(call),
        },
    )


@require_POST
def assign_balanced(request, uuid):
    call = _call(request, uuid, manage=True)
    form = BalancedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez un nombre de jurés entre 1 et 15."))
        return redirect("calls:jury_assign", uuid=call.uuid)
    dossiers = list(
        queries.dossiers_for(request.user)
        .filter(call=call, status=DossierStatus.SUBMITTED)
        .prefetch_related(queries.applicants_prefetch())
        .order_by("pk")
    )
    jurors = list(services.jurors())
    for juror in jurors:
        juror.role_pairs  # noqa: B018  (read once here, reused by every conflict check)
    try:
        result = services.assign_balanced(call, form.cleaned_data["per_dossier"], jurors, dossiers)
    except services.AssignmentRefused as refused:
        messages.error(request, str(refused))
        return redirect("calls:jury_assign", uuid=call.uuid)
    messages.success(request, _("%(n)d attribution(s) créée(s).") % {"n": result.created})
    if result.short:
        messages.warning(
            request,
            _("%(n)d dossier(s) n'ont pas assez de jurés sans conflit.") % {"n": len(result.short)},
        )
    return redirect("calls:jury_assign", uuid=call.uuid)


@permission_required("calls.score")
def jury_list(request):
    assignments = display.jury_rows(queries.juror_list(request.user))
    return render(request, "calls/jury_list.html", {"assignments": assignments})


def _assignment(request, uuid):
    require(request.user, "calls.score")
    return get_visible_or_404(
        queries.assignments_for(request.user).select_related("dossier__call", "dossier__lead_slsp"),
        uuid=uuid,
    )


def conflict(request, uuid):
    assignment = _assignment(request, uuid)
    if assignment.conflict == Assignment.Conflict.CONFLICT:
        raise Http404
    if assignment.conflict == Assignment.Conflict.NONE:
        return redirect("calls:score", uuid=assignment.uuid)
    form = ConflictForm(posted(request))
    if request.method == "POST" and form.is_valid():
        has_conflict = form.cleaned_data["has_conflict"]
        try:
            services.declare_conflict(assignment, has_conflict, form.cleaned_data["reason"])
        except services.AssignmentRefused as refused:
            messages.error(request, str(refused))
            return redirect("calls:jury_list")
        if has_conflict:
            messages.success(
                request, _("Conflit enregistré : ce dossier vous est désormais fermé.")
            )
            return redirect("calls:jury_list")
        return redirect("calls:score", uuid=assignment.uuid)
    return render(
        request,
        "calls/conflict.html",
        {
            "assignment": assignment,
            "form": form,
            "applicants": queries.applicants_of(assignment.dossier),
        },
    )


def score(request, uuid):
    assignment = _assignment(request, uuid)
    if assignment.conflict == Assignment.Conflict.CONFLICT:
        raise Http404
    if assignment.conflict == Assignment.Conflict.UNDECLARED:
        return redirect("calls:conflict", uuid=assignment.uuid)
    dossier = get_visible_or_404(queries.dossier_detail(request.user, assignment.dossier.uuid))
    criteria = list(Criterion.objects.filter(call=dossier.call).order_by("position", "pk"))
    existing = {s.criterion_id: s for s in assignment.scores.all()}
    form = ScoreForm(
        posted(request),
        criteria=criteria,
        scores=existing,
        initial={"overall_comment": assignment.overall_comment},
    )
    can_score = not assignment.is_submitted and dossier.call.status in services.SCORING_PHASES
    if request.method == "POST" and not can_score:
        form.add_error(None, _("L'évaluation est terminée pour cet appel."))
    elif request.method == "POST" and form.is_valid():
        # Both buttons save the draft; handing in goes through a confirmation page that
        # shows the weighted total, because a handed-in evaluation no longer changes.
        # A refused hand-in writes nothing: what is missing is read from the form.
        submit = "submit" in request.POST
        missing = services.missing_scores(criteria, form.cleaned_data) if submit else []
        if not missing:
            services.save_scores(assignment, criteria, form.cleaned_data, submit=False)
            if not submit:
                messages.success(request, _("Brouillon enregistré."))
                return redirect("calls:score", uuid=assignment.uuid)
            return redirect("calls:score_submit", uuid=assignment.uuid)
        form.add_error(
            None,
            _("Notez chaque critère qui compte avant de remettre : %(c)s.")
            % {"c": " ; ".join(missing)},
        )
    return render(
        request,
        "calls/score.html",
        {
            "assignment": assignment,
            "dossier": dossier,
            "form": form,
            "can_score": can_score,
            "review": queries.review_total(assignment) if assignment.is_submitted else None,
            "others": queries.other_reviews(assignment),
            "may_see_others": queries.may_see_others(assignment),
        },
    )


def _review_lines(review: dict) -> list[str]:
    lines = []
    for criterion, value in review["lines"]:
        lines.append(
            _("%(label)s : %(value)s sur %(max)s (poids %(weight)s)%(note)s")
            % {
                "label": criterion.label,
                "value": fmt.number(value, 2) if value is not None else fmt.UNKNOWN,
                "max": criterion.scale_max,
                "weight": fmt.number(criterion.weight, 2),
                "note": "" if criterion.counts else " — " + _("hors total"),
            }
        )
    lines.append(
        _("Total pondéré : %(total)s / 100.")
        % {"total": fmt.number(review["total"], 2) if review["total"] is not None else "—"}
    )
    return lines


def score_submit(request, uuid):
    assignment = _assignment(request, uuid)
    if assignment.conflict != Assignment.Conflict.NONE:
        raise Http404
    score_url = reverse("calls:score", kwargs={"uuid": assignment.uuid})
    if assignment.is_submitted or assignment.dossier.call.status not in services.SCORING_PHASES:
        return redirect(score_url)
    criteria = list(Criterion.objects.filter(call=assignment.dossier.call).order_by("position"))
    missing = services.submission_check(assignment, criteria)
    if missing:
        messages.error(
            request,
            _("Notez chaque critère qui compte avant de remettre : %(c)s.")
            % {"c": " ; ".join(missing)},
        )
        return redirect(score_url)
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            missing = services.submit_review(assignment, criteria)
        except services.AssignmentRefused as refused:
            messages.error(request, str(refused))
            return redirect(score_url)
        if missing:
            messages.error(
                request,
                _("Notez chaque critère qui compte avant de remettre : %(c)s.")
                % {"c": " ; ".join(missing)},
            )
            return redirect(score_url)
        messages.success(request, _("Votre évaluation a été remise."))
        return redirect(score_url)
    review = queries.review_total(assignment)
    return confirmation_page(
        request,
        Confirmation(
            title=_("Remettre mon évaluation"),
            question=_("Remettre votre évaluation de « %(title)s » ? Elle ne se modifiera plus.")
            % {"title": assignment.dossier.title},
            consequences=_review_lines(review),
            cancel_url=score_url,
            confirm_label=_("Remettre mon évaluation"),
            irreversible=True,
        ),
        form,
    )


def dossier_pdf(request, uuid):
    """The assigned dossier, printable: only after the juror declared no conflict; every
    download is written to the access log."""
    assignment = _assignment(request, uuid)
    if assignment.conflict != Assignment.Conflict.NONE:
        raise Http404
    dossier = get_visible_or_404(queries.dossier_detail(request.user, assignment.dossier.uuid))
    log_access(request, dossier, slsp_id=dossier.lead_slsp_id, reason="jury")
    pdf = receipts.dossier_pdf(dossier, queries.applicants_of(dossier))
    return _pdf_response(pdf, f"dossier-{dossier.title}")


# --- Consolidation, deliberation, decisions ---


def _deliberating_call(request, uuid):
    """A call whose ranking and results exist: from the deliberation on (404 before)."""
    call = _call(request, uuid, manage=True)
    if not queries.has_ranking(call):
        raise Http404
    return call


def ranking(request, uuid):
    call = _call(request, uuid, manage=True)
    if not queries.has_ranking(call):
        # Before the deliberation: who scored what, never an order on partial scores.
        return render(
            request,
            "calls/ranking_pending.html",
            {"call": call, "progress": queries.progress(call)},
        )
    data = queries.deliberation(call)
    can_decide = call.status == CallStatus.DELIBERATION
    display.ranking_rows(data["rows"], data["criteria"])
    return render(
        request,
        "calls/ranking.html",
        {
            "call": call,
            **data,
            "notes_form": NotesForm(initial={"deliberation_notes": call.deliberation_notes}),
            "attendance_form": AttendanceForm(
                jurors=queries.call_jurors(call),
                initial={"attendees": list(call.attendees.values_list("pk", flat=True))},
            ),
            "can_decide": can_decide,
            "letters": queries.letter_recipients(call) if call.status == CallStatus.DECIDED else [],
        },
    )


@require_POST
def notes(request, uuid):
    call = _call(request, uuid, manage=True)
    form = NotesForm(request.POST)
    if form.is_valid():
        services.save_deliberation_notes(call, form.cleaned_data["deliberation_notes"])
        messages.success(request, _("Les notes de délibération ont été enregistrées."))
    else:
        messages.error(request, _("Les notes sont trop longues (20 000 caractères au plus)."))
    return redirect("calls:ranking", uuid=call.uuid)


@require_POST
def attendance(request, uuid):
    call = _deliberating_call(request, uuid)
    form = AttendanceForm(request.POST, jurors=queries.call_jurors(call))
    if not form.is_valid():
        messages.error(request, _("Cochez les membres du jury présents parmi ceux proposés."))
    else:
        try:
            services.save_attendance(call, form.cleaned_data["attendees"])
        except services.DecisionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Les présences ont été enregistrées."))
    return redirect("calls:ranking", uuid=call.uuid)


@permission_required("calls.manage_calls")
def decision(request, uuid):
    dossier = _dossier(request, uuid)
    if dossier.status != DossierStatus.SUBMITTED or not queries.has_ranking(dossier.call):
        raise Http404
    current = getattr(dossier, "decision", None)
    initial = (
        {
            "outcome": current.outcome,
            "granted_amount": current.granted_amount,
            "rationale": current.rationale,
        }
        if current
        else {}
    )
    form = DecisionForm(posted(request), dossier=dossier, initial=initial)
    open_for_decision = dossier.call.status == CallStatus.DELIBERATION
    if request.method == "POST":
        if not open_for_decision:
            form.add_error(None, _("Les décisions se prennent pendant la délibération."))
        elif form.is_valid():
            data = form.cleaned_data
            services.decide(
                dossier, request.user, data["outcome"], data["granted_amount"], data["rationale"]
            )
            messages.success(request, _("La décision a été enregistrée."))
            return redirect("calls:ranking", uuid=dossier.call.uuid)
    return render(
        request,
        "calls/decision.html",
        {"dossier": dossier, "form": form, "open_for_decision": open_for_decision},
    )


def _pdf_response(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{safe_download_name(name, ".pdf")}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def results_pdf(request, uuid):
    call = _deliberating_call(request, uuid)
    pdf = receipts.results_pdf(call, queries.deliberation(call))
    return _pdf_response(pdf, f"resultats-{call.title}")


def minutes_pdf(request, uuid):
    call = _deliberating_call(request, uuid)
    pdf = receipts.minutes_pdf(
        call, queries.deliberation(call), list(call.attendees.order_by("last_name", "first_name"))
    )
    return _pdf_response(pdf, f"pv-deliberation-{call.title}")


def ranking_xlsx(request, uuid):
    call = _deliberating_call(request, uuid)
    content = exports.ranking_xlsx(call, queries.deliberation(call))
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = safe_download_name(f"classement-{call.title}", ".xlsx")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@permission_required("calls.manage_calls")
def decision_letter(request, uuid, slsp):
    """One letter per applicant SLSP, once the decisions are final."""
    dossier = _dossier(request, uuid)
    if dossier.call.status != CallStatus.DECIDED or getattr(dossier, "decision", None) is None:
        raise Http404
    applicant = next((a for a in queries.applicants_of(dossier) if a.slsp.uuid == slsp), None)
    if applicant is None:
        raise Http404
    data = queries.deliberation(dossier.call)
    row = next(r for r in data["rows"] if r.dossier.pk == dossier.pk)
    pdf = receipts.decision_letter_pdf(dossier, applicant, row, data)
    return _pdf_response(
        pdf, f"decision-{dossier.title}-{applicant.slsp.short_name or applicant.slsp.official_name}"
    )


def replace(request, uuid):
    """The president picks, from the pool, a juror for a dossier a conflict left short."""
    require(request.user, "calls.manage_calls")
    dossier = _dossier(request, uuid)
    if dossier.status != DossierStatus.SUBMITTED:
        raise Http404
    call = dossier.call
    pool = queries.replacement_pool(dossier)
    form = ReplacementForm(posted(request), pool=pool)
    if request.method == "POST" and form.is_valid():
        try:
            services.replace_juror(dossier, form.cleaned_data["juror"])
        except services.AssignmentRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Le remplaçant a été désigné : il reçoit le dossier."))
            return redirect("calls:jury_assign", uuid=call.uuid)
    assignments = list(
        Assignment.objects.filter(dossier=dossier)
        .select_related("juror")
        .order_by("juror__last_name", "juror__first_name")
    )
    return render(
        request,
        "calls/replace.html",
        {
            "dossier": dossier,
            "call": call,
            "form": form,
            "assignments": assignments,
            "pool_size": len(form.fields["juror"].queryset),
        },
    )


@permission_required("calls.view_library")
def library(request):
    dossiers = queries.library_for(request.user)
    filters = LibraryFilter(
        request.GET or None, queryset=dossiers, years=queries.library_years(request.user)
    )
    # An invalid filter (a search too long, an unknown year) shows its error and no result,
    # never a silently unfiltered list.
    shown = filters.qs if not filters.is_bound or filters.is_valid() else dossiers.none()
    # Selected dossiers add up call after call: a page at a time, newest calls first.
    page = counted_page(shown, request.GET.get("page"), 20)
    return render(request, "calls/library.html", {"page": page, "filter": filters})


@permission_required("calls.view_library")
def library_entry(request, uuid):
    """A selected dossier's public summary: the project, not its budget nor the jury."""
    dossier = get_visible_or_404(
        queries.library_for(request.user).prefetch_related("partners"), uuid=uuid
    )
    return render(request, "calls/library_entry.html", {"dossier": dossier})
