from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.uploads import PDF, max_upload_bytes, validate_upload
from apps.core.validators import DateMeaning, apply_date_rule
from apps.partners import queries
from apps.partners.models import Agreement, Partner, PartnerContact, PartnerType


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ContactsWidget(forms.CheckboxSelectMultiple):
    """Checkboxes carrying their partner's UUID, so partners.js can show only the
    contacts of the chosen partner (all of them stay visible without JS)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-partner"] = str(instance.partner.uuid)
        return option


def contact_label(contact: PartnerContact) -> str:
    slsp = contact.slsp if contact.slsp_id else None
    owner = (
        slsp.short_name or slsp.official_name
        if slsp is not None
        else _("annuaire, une copie propre à la SLSP sera faite")
    )
    return f"{contact} — {contact.partner.name} ({owner})"


class PartnerSearchForm(forms.Form):
    """Step one of adding a partner: look for it in the regional directory first."""

    name = forms.CharField(label=_("Nom de l'organisation"), max_length=200)
    type = forms.ChoiceField(
        label=_("Type"), choices=[("", "—"), *PartnerType.choices], required=False
    )
    commune = forms.CharField(label=_("Commune"), max_length=100, required=False)


class PartnerForm(forms.ModelForm):
    confirm_new = forms.BooleanField(
        label=_("J'ai vérifié : aucun des partenaires proposés n'est cette organisation."),
        required=False,
    )
    website = forms.URLField(label=_("Site web"), required=False, assume_scheme="https")

    class Meta:
        model = Partner
        fields = [
            "name",
            "type",
            "address",
            "postal_code",
            "commune",
            "communes_served",
            "phone",
            "email",
            "website",
            "description",
        ]
        labels = {"communes_served": _("Communes desservies")}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "communes_served": _("Séparées par des virgules, par ex. : Namur, Jambes, Andenne"),
        }

    def __init__(self, *args, check_duplicates=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.check_duplicates = check_duplicates
        self.similar = []
        if not check_duplicates:
            del self.fields["confirm_new"]

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if value and not (value.isdigit() and len(value) == 4):
            raise ValidationError(_("Un code postal belge compte quatre chiffres."))
        return value

    def clean_communes_served(self):
        values = self.cleaned_data["communes_served"] or []
        cleaned = []
        for value in values:
            value = value.strip()
            if value and value not in cleaned:
                cleaned.append(value)
        return cleaned

    def clean(self):
        data = super().clean()
        if self.check_duplicates and not self.errors:
            self.similar = queries.find_similar(
                data.get("name", ""),
                data.get("type", ""),
                data.get("commune", ""),
                exclude_pk=self.instance.pk,
            )
            if self.similar and not data.get("confirm_new"):
                raise ValidationError(
                    _(
                        "Des partenaires semblables existent déjà dans l'annuaire régional : "
                        "liez l'un d'eux à votre SLSP, ou cochez la case de confirmation "
                        "s'il s'agit bien d'une autre organisation."
                    ),
                    code="duplicate",
                )
        return data


class PartnerContactForm(forms.ModelForm):
    """A contact; on creation, a référent chooses whether it goes into the shared
    directory or stays its SLSP's own (the only kind an agreement uses)."""

    owner = forms.TypedChoiceField(
        label=_("Ce contact appartient à"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Un contact de l'annuaire régional peut être corrigé par toutes les SLSP ; un "
            "contact propre à votre SLSP ne peut l'être que par ses référents. Les liens "
            "envoyés aux partenaires ne partent que vers les contacts propres à la SLSP."
        ),
    )

    class Meta:
        model = PartnerContact
        fields = ["name", "function", "phone", "email"]

    def __init__(self, *args: Any, owner_slsps: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_slsps = list(owner_slsps)
        if self.instance.pk or not owner_slsps:
            del self.fields["owner"]
            return
        self.owner_slsps = {s.pk: s for s in owner_slsps}
        # The field declared above: a TypedChoiceField (`fields` is typed as plain Fields).
        cast(forms.TypedChoiceField, self.fields["owner"]).choices = [
            ("", _("L'annuaire régional (partagé par toutes les SLSP)")),
            *[(s.pk, _("Ma SLSP uniquement : %(slsp)s") % {"slsp": s}) for s in owner_slsps],
        ]
        self.fields["owner"].initial = owner_slsps[0].pk

    def owner_slsp(self) -> Any:
        """The SLSP chosen as owner, or None for the directory."""
        owner = self.cleaned_data.get("owner") if "owner" in self.fields else None
        return self.owner_slsps.get(owner) if owner is not None else None

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("phone") or data.get("email")):
            raise ValidationError(_("Indiquez au moins un téléphone ou une adresse e-mail."))
        return data


class LinkForm(forms.Form):
    slsp = forms.TypedChoiceField(label=_("SLSP"), coerce=int)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, slsps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slsp"].choices = [(s.pk, str(s)) for s in slsps]
        if len(self.fields["slsp"].choices) == 1:
            self.fields["slsp"].initial = slsps[0].pk
            self.fields["slsp"].widget = forms.HiddenInput()


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        label=_("Partenaire à conserver"),
        queryset=Partner.objects.none(),
        to_field_name="uuid",
        empty_label=None,
        help_text=_(
            "Les contacts, liens avec les SLSP et conventions du doublon passent à ce "
            "partenaire ; le doublon est ensuite supprimé."
        ),
    )
    confirm = forms.BooleanField(
        label=_("Je confirme la fusion (irréversible)."),
        error_messages={"required": _("Cochez la case pour confirmer la fusion.")},
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = Partner.objects.filter(pk__in=[c.pk for c in candidates])


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "slsp",
            "partner",
            "purpose",
            "start_date",
            "end_date",
            "shares_data",
            "shared_data",
            "priority_rules",
            "response_days",
            "contacts",
            "document",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "contacts": ContactsWidget(),
            "shared_data": forms.Textarea(attrs={"rows": 3}),
            "priority_rules": forms.Textarea(attrs={"rows": 3}),
            "document": forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        }
        help_texts = {
            "shared_data": _("Par ex. : composition du ménage, situation d'arriérés de loyer."),
            "response_days": _("Nombre de jours dans lesquels le partenaire s'engage à répondre."),
        }

    def __init__(self, *args, slsps=(), partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        apply_date_rule(self.fields["start_date"], DateMeaning.PLANNED)
        apply_date_rule(self.fields["end_date"], DateMeaning.TERM)
        slsps = list(slsps)
        self.fields["slsp"].queryset = self.fields["slsp"].queryset.filter(
            pk__in=[s.pk for s in slsps]
        )
        self.fields["slsp"].empty_label = None
        if len(slsps) == 1:
            self.fields["slsp"].initial = slsps[0].pk
            self.fields["slsp"].widget = forms.HiddenInput()
        if self.instance.pk:
            # An agreement stays with its SLSP and partner; a new partner means a new one.
            del self.fields["slsp"]
            del self.fields["partner"]
            partner_ids = [self.instance.partner_id]
        else:
            self.fields["partner"].queryset = (
                partners if partners is not None else Partner.objects.none()
            )
            self.fields["partner"].to_field_name = "uuid"
            partner_ids = None
        # The directory's contacts (copied into the SLSP's own on save) and the SLSP's
        # own; never another SLSP's.
        owner_ids = [self.instance.slsp_id] if self.instance.pk else [s.pk for s in slsps]
        contacts = (
            self.fields["contacts"]
            .queryset.select_related("partner", "slsp")
            .filter(Q(slsp__isnull=True) | Q(slsp_id__in=owner_ids))
        )
        if partner_ids is not None:
            contacts = contacts.filter(partner_id__in=partner_ids)
        elif partners is not None:
            contacts = contacts.filter(partner__in=partners)
        else:
            contacts = contacts.none()
        self.fields["contacts"].queryset = contacts.order_by("partner__name", "name")
        self.fields["contacts"].label_from_instance = contact_label
        self.fields["document"].help_text = _(
            "PDF uniquement, %(limit)d Mo au maximum. Il n'est jamais publié : seules les "
            "personnes de votre SLSP peuvent le télécharger."
        ) % {"limit": max_upload_bytes() // (1024 * 1024)}

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document and hasattr(document, "content_type"):  # a new upload, not the stored one
            validate_upload(document, (PDF,))
        return document

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date",
                _("La date de fin (%(end)s) précède la date de début (%(start)s).")
                % {"end": end.strftime("%d/%m/%Y"), "start": start.strftime("%d/%m/%Y")},
            )
        if data.get("shares_data"):
            if not (data.get("shared_data") or "").strip():
                self.add_error(
                    "shared_data",
                    _("Précisez quelles données la clause de partage autorise à transmettre."),
                )
        else:
            data["shared_data"] = ""
        partner = data.get("partner") or (self.instance.partner if self.instance.pk else None)
        contacts = data.get("contacts")
        if partner is not None and any(c.partner_id != partner.pk for c in contacts or ()):
            self.add_error(
                "contacts",
                _("Choisissez uniquement des contacts du partenaire de la convention."),
            )
        slsp = data.get("slsp") or (self.instance.slsp if self.instance.pk else None)
        if slsp is not None and any(c.slsp_id not in (None, slsp.pk) for c in contacts or ()):
            self.add_error(
                "contacts",
                _(
                    "Choisissez uniquement des contacts de l'annuaire ou de la SLSP de la "
                    "convention."
                ),
            )
        return data
