"""Yearly action strategy and the référents' network: thin views."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import Role
from apps.core import versioning
from apps.core.forms import posted
from apps.core.permissions import allowed, get_visible_or_404, permission_required, require
from apps.slsps import queries, services
from apps.slsps.forms import (
    AttendanceForm,
    GoodPracticeForm,
    NetworkEventForm,
    StrategyForm,
    StrategyItemFormSet,
)
from apps.slsps.models import Slsp, StrategyItem

# --- Yearly action strategy ---


def my_strategy(request):
    ids = request.user.slsp_ids()
    if not ids:
        raise Http404
    slsp = queries.slsps_for(request.user).get(pk=ids[0])
    return redirect("slsps:strategies", uuid=slsp.uuid)


def strategies(request, uuid):
    slsp = get_visible_or_404(queries.slsps_for(request.user), uuid=uuid)
    require(request.user, "slsps.view_strategies", slsp)
    items = StrategyItem.objects.order_by("kind", "order", "pk")
    rows = (
        queries.strategies_for(request.user)
        .filter(slsp=slsp)
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("-year")
    )
    return render(
        request,
        "slsps/strategies.html",
        {
            "slsp": slsp,
            "strategies": rows,
            "can_edit": allowed(request.user, "slsps.change_strategy", slsp),
        },
    )


def _strategy_form(request, slsp, strategy=None):
    form = StrategyForm(posted(request), instance=strategy, slsp=slsp)
    formset = StrategyItemFormSet(
        posted(request),
        instance=strategy,
        queryset=StrategyItem.objects.order_by("kind", "order", "pk"),
        prefix="items",
    )
    if strategy is not None:
        versioning.track(form, strategy)
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            try:
                saved = services.save_strategy(
                    slsp, form, formset, version=versioning.expected(form)
                )
            except services.StrategyConflict:
                form.add_error("year", _("Votre SLSP a déjà une stratégie pour cette année."))
            except versioning.StaleEdit as stale:
                versioning.refuse(form, stale.current)
            else:
                messages.success(
                    request,
                    _("La stratégie %(year)s a été enregistrée.") % {"year": saved.year},
                )
                return redirect("slsps:strategies", uuid=slsp.uuid)
        messages.error(request, _("La stratégie n'a pas été enregistrée : corrigez les erreurs."))
    return render(
        request,
        "slsps/strategy_form.html",
        {"slsp": slsp, "form": form, "formset": formset, "strategy": strategy},
    )


def strategy_create(request, uuid):
    slsp = get_visible_or_404(queries.slsps_for(request.user), uuid=uuid)
    require(request.user, "slsps.change_strategy", slsp)
    return _strategy_form(request, slsp)


def strategy_edit(request, uuid):
    strategy = get_visible_or_404(queries.strategies_for(request.user), uuid=uuid)
    require(request.user, "slsps.change_strategy", strategy)
    return _strategy_form(request, strategy.slsp, strategy)


# --- Référents' network: calendar, events, attendance ---


@permission_required("slsps.view_network")
def network(request):
    user = request.user
    events = queries.calendar_for(user).order_by("-date", "title", "pk")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    mine = dict(
        queries.attendances_for(user)
        .filter(person=user, event__in=[e.pk for e in page])
        .values_list("event_id", "present")
    )
    rows = [(event, mine.get(event.pk)) for event in page]
    return render(
        request,
        "slsps/network.html",
        {
            "page": page,
            "rows": rows,
            "today": timezone.localdate(),
            "is_referent": user.has_role(Role.REFERENT),
            "mine": queries.my_attendance_this_year(user) if user.has_role(Role.REFERENT) else None,
            "can_manage": allowed(user, "slsps.manage_network"),
        },
    )


@permission_required("slsps.manage_network")
def event_create(request):
    form = NetworkEventForm(posted(request))
    if request.method == "POST" and form.is_valid():
        event = services.save_network_event(form)
        messages.success(request, _("L'activité a été ajoutée au calendrier du réseau."))
        return redirect("slsps:event_detail", uuid=event.uuid)
    return render(request, "slsps/event_form.html", {"form": form})


@permission_required("slsps.manage_network")
def event_edit(request, uuid):
    event = get_visible_or_404(queries.network_events_for(request.user), uuid=uuid)
    form = NetworkEventForm(posted(request), instance=event)
    if request.method == "POST" and form.is_valid():
        services.save_network_event(form)
        messages.success(request, _("L'activité a été enregistrée."))
        return redirect("slsps:event_detail", uuid=event.uuid)
    return render(request, "slsps/event_form.html", {"form": form, "event": event})


@permission_required("slsps.view_network")
def event_detail(request, uuid):
    event = get_visible_or_404(queries.network_events_for(request.user), uuid=uuid)
    user = request.user
    attendances = (
        queries.attendances_for(user)
        .filter(event=event)
        .select_related("person", "slsp")
        .order_by("slsp__official_name", "person__last_name", "person__first_name")
    )
    return render(
        request,
        "slsps/event_detail.html",
        {
            "event": event,
            "attendances": attendances,
            "can_manage": allowed(user, "slsps.manage_network"),
        },
    )


@permission_required("slsps.manage_network")
def event_attendance(request, uuid):
    event = get_visible_or_404(queries.network_events_for(request.user), uuid=uuid)
    current = dict(event.attendances.values_list("person_id", "present"))
    form = AttendanceForm(
        posted(request), memberships=list(queries.referent_memberships()), current=current
    )
    if request.method == "POST":
        if form.is_valid():
            changed = services.record_attendance(event, form.decisions())
            messages.success(
                request,
                ngettext(
                    "Présences enregistrées : %(n)s ligne modifiée.",
                    "Présences enregistrées : %(n)s lignes modifiées.",
                    changed,
                )
                % {"n": changed},
            )
            return redirect("slsps:event_detail", uuid=event.uuid)
        messages.error(
            request, _("Les présences n'ont pas été enregistrées : corrigez les erreurs.")
        )
    return render(request, "slsps/attendance_form.html", {"event": event, "form": form})


# --- Good-practice sheets ---


def _author_slsps(user):
    return Slsp.objects.filter(pk__in=user.slsp_ids(roles={Role.REFERENT})).order_by(
        "official_name"
    )


@permission_required("slsps.view_network")
def practices(request):
    user = request.user
    sheets = queries.good_practices_for(user).order_by("-published", "-updated_at", "pk")
    page = Paginator(sheets, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "slsps/practices.html",
        {
            "page": page,
            "can_add": allowed(user, "slsps.add_good_practice"),
            "can_see_library": allowed(user, "calls.view_library"),
        },
    )


@permission_required("slsps.add_good_practice")
def practice_create(request):
    slsps = _author_slsps(request.user)
    if not slsps:
        raise Http404
    form = GoodPracticeForm(posted(request), slsps=slsps)
    if request.method == "POST" and form.is_valid():
        sheet = services.save_good_practice(form, request.user)
        messages.success(request, _("La fiche a été enregistrée."))
        return redirect("slsps:practice_detail", uuid=sheet.uuid)
    return render(request, "slsps/practice_form.html", {"form": form})


@permission_required("slsps.view_network")
def practice_detail(request, uuid):
    sheet = get_visible_or_404(queries.good_practices_for(request.user), uuid=uuid)
    return render(
        request,
        "slsps/practice_detail.html",
        {
            "sheet": sheet,
            "can_edit": allowed(request.user, "slsps.change_good_practice", sheet),
        },
    )


def practice_edit(request, uuid):
    sheet = get_visible_or_404(queries.good_practices_for(request.user), uuid=uuid)
    require(request.user, "slsps.change_good_practice", sheet)
    # The SLSP of a sheet does not change once written.
    slsps = Slsp.objects.filter(pk=sheet.slsp_id)
    form = GoodPracticeForm(posted(request), instance=sheet, slsps=slsps)
    if request.method == "POST" and form.is_valid():
        services.save_good_practice(form, request.user)
        messages.success(request, _("La fiche a été enregistrée."))
        return redirect("slsps:practice_detail", uuid=sheet.uuid)
    return render(request, "slsps/practice_form.html", {"form": form, "sheet": sheet})
