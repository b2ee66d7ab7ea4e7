from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.uploads import PDF, max_upload_bytes, validate_upload
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
    class Meta:
        model = PartnerContact
        fields = ["name", "function", "phone", "email"]

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
        contacts = self.fields["contacts"].queryset.select_related("partner")
        if partner_ids is not None:
            contacts = contacts.filter(partner_id__in=partner_ids)
        elif partners is not None:
            contacts = contacts.filter(partner__in=partners)
        else:
            contacts = contacts.none()
        self.fields["contacts"].queryset = contacts.order_by("partner__name", "name")
        self.fields["contacts"].label_from_instance = lambda c: f"{c} — {c.partner.name}"
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
        return data
