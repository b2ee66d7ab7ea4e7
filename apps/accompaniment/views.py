"""POST-only actions of the household page; each returns to it with a message."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accompaniment import services
from apps.accompaniment.forms import CloseFollowUpForm, ConsentForm, FollowUpForm, MomentForm
from apps.accompaniment.models import Consent
from apps.accompaniment.queries import follow_ups_for, follow_ups_of
from apps.partners.queries import partners_for
from apps.tenants.queries import households_for


def _household(request, uuid):
    household = get_object_or_404(households_for(request.user), uuid=uuid)
    if not rules.has_perm("accompaniment.act_for", request.user, household):
        raise Http404
    return household


def _back(household):
    return redirect("tenants:household", uuid=household.uuid)


def _refuse(request, form_or_error):
    if isinstance(form_or_error, ValidationError):
        text = " ".join(form_or_error.messages)
    else:
        text = " ".join(
            f"{form_or_error.fields[f].label if f in form_or_error.fields else ''} : {e}".strip(
                " :"
            )
            for f, errors in form_or_error.errors.items()
            for e in errors
        )
    messages.error(request, text)


@login_required
@require_POST
def consent_create(request, uuid):
    household = _household(request, uuid)
    form = ConsentForm(request.POST, partners=partners_for(request.user))
    if not form.is_valid():
        _refuse(request, form)
        return _back(household)
    try:
        services.record_consent(household, request.user, **form.cleaned_data)
    except ValidationError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, _("Consentement enregistré."))
    return _back(household)


@login_required
@require_POST
def consent_withdraw(request, uuid):
    consent = get_object_or_404(
        Consent.objects.filter(slsp_id__in=request.user.slsp_ids()), uuid=uuid
    )
    if not rules.has_perm("accompaniment.act_for", request.user, consent):
        raise Http404
    try:
        services.withdraw_consent(consent)
    except ValidationError as exc:
        _refuse(request, exc)
    else:
        messages.success(
            request,
            _(
                "Consentement retiré : les suivis liés sont clôturés "
                "et plus aucun partage n'est autorisé."
            ),
        )
    return _back(consent.household)


@login_required
@require_POST
def follow_up_create(request, uuid):
    household = _household(request, uuid)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        _refuse(request, form)
        return _back(household)
    try:
        services.open_follow_up(household, request.user, **form.cleaned_data)
    except ValidationError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, _("Suivi ouvert."))
    return _back(household)


@login_required
@require_POST
def follow_up_close(request, uuid):
    follow_up = get_object_or_404(follow_ups_for(request.user), uuid=uuid)
    if not rules.has_perm("accompaniment.act_for", request.user, follow_up):
        raise Http404
    form = CloseFollowUpForm(request.POST)
    if not form.is_valid():
        _refuse(request, form)
    else:
        try:
            services.close_follow_up(follow_up, outcome=form.cleaned_data["outcome"])
        except ValidationError as exc:
            _refuse(request, exc)
        else:
            messages.success(request, _("Suivi clôturé."))
    return _back(follow_up.household)


@login_required
@require_POST
def moment_create(request, uuid):
    household = _household(request, uuid)
    form = MomentForm(request.POST, follow_ups=list(follow_ups_of(household)))
    if not form.is_valid():
        _refuse(request, form)
        return _back(household)
    try:
        services.log_moment(household, request.user, **form.cleaned_data)
    except ValidationError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, _("Moment enregistré."))
    return _back(household)
