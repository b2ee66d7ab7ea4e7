from django import forms
from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from apps.core import versioning
from apps.core.confirm import Confirmation, ConfirmForm, confirmation_page
from apps.core.forms import posted
from apps.core.pagination import counted_page
from apps.core.permissions import allowed, get_visible_or_404, permission_required, require
from apps.core.registry import registry
from apps.core.uploads import serve_stored_file
from apps.partners import queries, services
from apps.partners.filters import AgreementFilter, DirectoryFilter
from apps.partners.forms import (
    AgreementForm,
    LinkForm,
    MergeForm,
    PartnerContactForm,
    PartnerForm,
    PartnerSearchForm,
)
from apps.partners.history import partner_history
from apps.slsps.models import Slsp


def _referent_slsps(user, required=False):
    """The SLSPs where the user is référent; `required`: none means 404 (even for a
    superuser, whose permission checks always pass but who works in no SLSP)."""
    slsps = list(Slsp.objects.filter(pk__in=queries.referent_slsp_ids(user)).order_by("pk"))
    if required and not slsps:
        raise Http404
    return slsps


# --- Directory ---


@permission_required("partners.view_directory")
def directory(request):
    rows = queries.directory_rows(request.user).order_by("name", "pk")
    filterset = DirectoryFilter(request.GET, queryset=rows, user=request.user)
    page = counted_page(filterset.qs, request.GET.get("page"), 50)
    return render(
        request,
        "partners/directory.html",
        {
            "filter": filterset,
            "page": page,
            "can_add": allowed(request.user, "partners.add_partner"),
            "show_network": bool(request.user.slsp_ids()),
        },
    )


@permission_required("partners.view_partner")
def detail(request, uuid):
    partner = get_visible_or_404(queries.partners_for(request.user), uuid=uuid)
    user = request.user
    contacts = list(
        queries.contacts_for(user).filter(partner=partner).select_related("slsp").order_by("name")
    )
    editable = set(
        queries.editable_contacts_for(user).filter(partner=partner).values_list("pk", flat=True)
    )
    for contact in contacts:
        contact.can_edit = contact.pk in editable
    context = {
        "partner": partner,
        "directory_contacts": [c for c in contacts if c.slsp_id is None],
        "own_contacts": [c for c in contacts if c.slsp_id is not None],
        "history": partner_history(user, partner),
        "can_add_contact": allowed(user, "partners.change_partnercontact")
        or bool(queries.referent_slsp_ids(user)),
        "stats": queries.partner_statistics(user, partner),
        "can_edit": allowed(user, "partners.change_partner"),
        "can_merge": allowed(user, "partners.merge_partners"),
    }
    if user.slsp_ids():
        context["agreements"] = list(
            queries.agreements_for(user).filter(partner=partner).order_by("-end_date")
        )
        linked_ids = set(
            queries.links_for(user).filter(partner=partner).values_list("slsp_id", flat=True)
        )
        slsps = _referent_slsps(user)
        context["link_slsps"] = [s for s in slsps if s.pk not in linked_ids]
        context["unlink_slsps"] = [s for s in slsps if s.pk in linked_ids]
        context["in_network"] = bool(linked_ids)
        context["can_add_agreement"] = bool(linked_ids & {s.pk for s in slsps})
    # Sections of the apps above (e.g. referral statistics), each None when it does not apply.
    context["sections"] = [
        {"template": section.template, "data": data}
        for section in registry.partner_sections
        if (data := section.build(request, partner)) is not None
    ]
    return render(request, "partners/detail.html", context)


@permission_required("partners.add_partner")
def create(request):
    slsps = _referent_slsps(request.user)
    if request.method == "POST":
        form = PartnerForm(request.POST)
        if form.is_valid():
            partner = services.create_partner(form, link_to=slsps[0] if len(slsps) == 1 else None)
            messages.success(request, _("Le partenaire a été ajouté à l'annuaire régional."))
            if len(slsps) == 1:
                messages.success(request, _("Il fait désormais partie du réseau de votre SLSP."))
            return redirect("partners:detail", uuid=partner.uuid)
        return render(
            request,
            "partners/create.html",
            {"form": form, "similar": form.similar, "link_form": LinkForm(slsps=slsps)},
        )
    search = PartnerSearchForm(request.GET or None)
    context = {"search": search}
    if search.is_valid():
        data = search.cleaned_data
        context["similar"] = queries.find_similar(data["name"], data["type"], data["commune"])
        context["form"] = PartnerForm(
            initial={"name": data["name"], "type": data["type"], "commune": data["commune"]}
        )
        context["link_form"] = LinkForm(slsps=slsps)
    return render(request, "partners/create.html", context)


@permission_required("partners.change_partner")
def edit(request, uuid):
    partner = get_visible_or_404(queries.partners_for(request.user), uuid=uuid)
    form = PartnerForm(posted(request), instance=partner, check_duplicates=False)
    versioning.track(form, partner)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_partner(form, version=versioning.expected(form))
        except versioning.StaleEdit as stale:
            versioning.refuse(form, stale.current)
        else:
            messages.success(request, _("Les informations du partenaire ont été enregistrées."))
            return redirect("partners:detail", uuid=partner.uuid)
    return render(request, "partners/partner_form.html", {"form": form, "partner": partner})


@permission_required("partners.change_partnercontact")
def contact_add(request, uuid):
    partner = get_visible_or_404(queries.partners_for(request.user), uuid=uuid)
    form = PartnerContactForm(posted(request), owner_slsps=_referent_slsps(request.user))
    if request.method == "POST" and form.is_valid():
        services.add_contact(form, partner, slsp=form.owner_slsp())
        messages.success(request, _("Le contact a été ajouté."))
        return redirect("partners:detail", uuid=partner.uuid)
    return render(request, "partners/contact_form.html", {"form": form, "partner": partner})


@permission_required("partners.change_partnercontact")
def contact_edit(request, uuid):
    # Another SLSP's own contact answers 404, like anything outside the user's scope.
    contact = get_visible_or_404(
        queries.editable_contacts_for(request.user)
        .select_related("partner", "slsp")
        .filter(partner__in=queries.partners_for(request.user)),
        uuid=uuid,
    )
    form = PartnerContactForm(posted(request), instance=contact)
    if request.method == "POST" and form.is_valid():
        services.update_contact(form)
        messages.success(request, _("Le contact a été modifié."))
        return redirect("partners:detail", uuid=contact.partner.uuid)
    return render(
        request,
        "partners/contact_form.html",
        {"form": form, "partner": contact.partner, "contact": contact},
    )


@require_POST
@permission_required("partners.link_partner")
def link(request, uuid):
    partner = get_visible_or_404(queries.partners_for(request.user), uuid=uuid)
    slsps = _referent_slsps(request.user, required=True)
    form = LinkForm(request.POST, slsps=slsps)
    if not form.is_valid():
        messages.error(request, _("Choisissez la SLSP à laquelle lier ce partenaire."))
        return redirect("partners:detail", uuid=partner.uuid)
    slsp = next(s for s in slsps if s.pk == form.cleaned_data["slsp"])
    require(request.user, "partners.link_partner_to", slsp)
    _link, created = services.link_partner(slsp, partner, note=form.cleaned_data["note"])
    if created:
        messages.success(
            request,
            _("%(partner)s fait désormais partie du réseau de %(slsp)s.")
            % {"partner": partner, "slsp": slsp},
        )
    else:
        messages.info(request, _("Ce partenaire était déjà dans votre réseau."))
    return redirect("partners:detail", uuid=partner.uuid)


class UnlinkForm(ConfirmForm):
    """Which of the user's SLSPs the partner leaves (hidden when there is only one)."""

    slsp = forms.TypedChoiceField(label=_l("SLSP"), coerce=int)

    def __init__(self, *args, slsps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slsp"].choices = [(s.pk, str(s)) for s in slsps]
        if len(slsps) == 1:
            self.fields["slsp"].initial = slsps[0].pk
            self.fields["slsp"].widget = forms.HiddenInput()


@permission_required("partners.link_partner")
def unlink(request, uuid):
    """Confirm first (GET: what leaving the network changes), then unlink (POST)."""
    partner = get_visible_or_404(queries.partners_for(request.user), uuid=uuid)
    slsps = _referent_slsps(request.user, required=True)
    data = posted(request)
    # The partner page links one button per SLSP: that SLSP comes preselected.
    initial = {"slsp": request.GET.get("slsp")} if data is None else None
    form = UnlinkForm(data, slsps=slsps, initial=initial)
    if request.method == "POST" and form.is_valid():
        slsp = next(s for s in slsps if s.pk == form.cleaned_data["slsp"])
        require(request.user, "partners.link_partner_to", slsp)
        if services.unlink_partner(slsp, partner):
            messages.success(
                request,
                _(
                    "%(partner)s ne fait plus partie du réseau de %(slsp)s ; ses conventions restent."  # noqa: E501
                )
                % {"partner": partner, "slsp": slsp},
            )
        return redirect("partners:detail", uuid=partner.uuid)
    return confirmation_page(
        request,
        Confirmation(
            title=_("Retirer un partenaire du réseau"),
            question=_("Retirer %(partner)s du réseau de votre SLSP ?") % {"partner": partner},
            consequences=[
                _(
                    "Il ne sera plus proposé pour les consentements, les moments et les "
                    "orientations de vos ménages."
                ),
                _(
                    "Ses conventions, ses contacts et l'historique restent ; vous pourrez le relier à nouveau."  # noqa: E501
                ),
            ],
            cancel_url=reverse("partners:detail", kwargs={"uuid": partner.uuid}),
            confirm_label=_("Retirer du réseau"),
            irreversible=False,
        ),
        form,
    )


@permission_required("partners.merge_partners")
def merge(request, uuid):
    duplicate = get_visible_or_404(queries.partners_for(request.user), uuid=uuid)
    candidates = queries.find_similar(
        duplicate.name, duplicate.type, duplicate.commune, exclude_pk=duplicate.pk, limit=20
    )
    form = MergeForm(posted(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        keep = form.cleaned_data["keep"]
        try:
            services.merge_partners(keep, duplicate, user=request.user)
        except services.MergeError as error:
            messages.error(request, str(error))
        except IntegrityError:
            # A uniqueness rule the merge could not reconcile: nothing was changed.
            messages.error(
                request,
                _("La fusion a été annulée : une donnée liée entre en conflit. Rien n'a changé."),
            )
        else:
            messages.success(
                request,
                _("« %(dup)s » a été fusionné dans « %(keep)s » ; rien n'a été perdu.")
                % {"dup": duplicate.name, "keep": keep.name},
            )
            return redirect("partners:detail", uuid=keep.uuid)
    return render(
        request,
        "partners/merge.html",
        {
            "form": form,
            "partner": duplicate,
            "candidates": candidates,
            "preview": queries.merge_preview(duplicate),
        },
    )


# --- Agreements ---


@permission_required("partners.view_agreements")
def agreements(request):
    if not request.user.slsp_ids():
        raise Http404
    rows = queries.agreements_for(request.user).order_by("end_date", "pk")
    filterset = AgreementFilter(request.GET, queryset=rows)
    page = counted_page(filterset.qs, request.GET.get("page"), 50)
    return render(
        request,
        "partners/agreements.html",
        {
            "filter": filterset,
            "page": page,
            "can_add": allowed(request.user, "partners.add_agreement"),
        },
    )


@permission_required("partners.add_agreement")
def agreement_create(request):
    slsps = _referent_slsps(request.user, required=True)
    partners = (
        queries.partners_for(request.user)
        .filter(slsp_links__slsp__in=slsps)
        .distinct()
        .order_by("name")
    )
    initial = {}
    if request.GET.get("partenaire"):
        initial["partner"] = request.GET["partenaire"]
    form = AgreementForm(
        posted(request),
        request.FILES or None,
        slsps=slsps,
        partners=partners,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        require(request.user, "partners.change_agreement", form.cleaned_data["slsp"])
        agreement = services.save_agreement(form, user=request.user)
        messages.success(request, _("La convention a été enregistrée."))
        return redirect("partners:agreement_detail", uuid=agreement.uuid)
    return render(request, "partners/agreement_form.html", {"form": form})


def agreement_edit(request, uuid):
    agreement = get_visible_or_404(queries.agreements_for(request.user), uuid=uuid)
    require(request.user, "partners.change_agreement", agreement)
    form = AgreementForm(posted(request), request.FILES or None, instance=agreement)
    versioning.track(form, agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_agreement(form, user=request.user, version=versioning.expected(form))
        except versioning.StaleEdit as stale:
            versioning.refuse(form, stale.current)
        else:
            messages.success(request, _("La convention a été modifiée."))
            return redirect("partners:agreement_detail", uuid=agreement.uuid)
    return render(request, "partners/agreement_form.html", {"form": form, "agreement": agreement})


def agreement_detail(request, uuid):
    agreement = get_visible_or_404(
        queries.agreements_for(request.user).prefetch_related("contacts"), uuid=uuid
    )
    require(request.user, "partners.view_agreement", agreement)
    return render(
        request,
        "partners/agreement_detail.html",
        {
            "agreement": agreement,
            "can_edit": allowed(request.user, "partners.change_agreement", agreement),
        },
    )


def agreement_document(request, uuid):
    agreement = get_visible_or_404(queries.agreements_for(request.user), uuid=uuid)
    require(request.user, "partners.view_agreement_document", agreement)
    if not agreement.document:
        raise Http404
    try:
        return serve_stored_file(
            agreement.document, f"convention-{agreement.partner.name}-{agreement.start_date:%Y}"
        )
    except FileNotFoundError as missing:
        raise Http404 from missing
