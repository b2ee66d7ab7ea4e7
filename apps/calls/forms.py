from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.forms import inlineformset_factory
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.calls.models import (
    Action,
    BudgetLine,
    Call,
    Criterion,
    Domain,
    Dossier,
    Outcome,
    TargetPublic,
)
from apps.core import formats
from apps.core.uploads import PDF, max_upload_bytes, validate_upload
from apps.core.validators import DateMeaning, apply_date_rule
from apps.partners.models import Partner
from apps.slsps.models import Slsp


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CallForm(forms.ModelForm):
    class Meta:
        model = Call
        fields = [
            "title",
            "description",
            "opens_at",
            "closes_at",
            "jury_meeting_on",
            "scoring_deadline",
            "jurors_per_dossier",
            "total_budget",
            "ceiling_per_dossier",
            "disagreement_threshold",
        ]
        widgets = {
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
            "scoring_deadline": DateTimeInput(),
            "jury_meeting_on": DateInput(),
        }
        help_texts = {
            "opens_at": _("Heure de Bruxelles."),
            "closes_at": _("Heure de Bruxelles : aucun dépôt n'est accepté après cette minute."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("opens_at", "closes_at", "jury_meeting_on", "scoring_deadline"):
            apply_date_rule(self.fields[name], DateMeaning.PLANNED)

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("La clôture doit suivre l'ouverture."))
        jury = data.get("jury_meeting_on")
        if jury and closes and jury < timezone.localtime(closes).date():
            self.add_error("jury_meeting_on", _("Le jury se réunit après la clôture."))
        deadline = data.get("scoring_deadline")
        if deadline and closes and deadline <= closes:
            self.add_error("scoring_deadline", _("Les évaluations se remettent après la clôture."))
        budget, ceiling = data.get("total_budget"), data.get("ceiling_per_dossier")
        if budget and ceiling and ceiling > budget:
            self.add_error("ceiling_per_dossier", _("Le plafond dépasse le budget total."))
        return data


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["position", "label", "description", "weight", "scale_min", "scale_max", "counts"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty, a criterion takes its place in the list (see services.save_call).
        self.fields["position"].required = False

    def clean_position(self):
        return self.cleaned_data.get("position") or 0

    def clean(self):
        data = super().clean()
        low, high = data.get("scale_min"), data.get("scale_max")
        if low is not None and high is not None and high <= low:
            self.add_error("scale_max", _("La note maximale doit dépasser la note minimale."))
        return data


class BaseCriterionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not kept:
            raise forms.ValidationError(_("Un appel compte au moins un critère."))
        if not any(f.cleaned_data.get("counts") for f in kept):
            raise forms.ValidationError(_("Au moins un critère doit compter dans le total."))


CriterionFormSet = inlineformset_factory(
    Call,
    Criterion,
    form=CriterionForm,
    formset=BaseCriterionFormSet,
    extra=2,
    can_delete=True,
    max_num=30,
    validate_max=True,
)


class TransitionForm(forms.Form):
    target = forms.ChoiceField(label=_("Nouveau statut"), choices=())

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(t.value, t.label) for t in targets]


class PickerWidget(forms.CheckboxSelectMultiple):
    """A checkbox list that static/js/dossier_form.js filters as one types; without
    JavaScript it is a plain list of checkboxes (no Ctrl-click)."""


SUMMARY_MAX = 5000


class DossierForm(forms.ModelForm):
    co_applicants = forms.ModelMultipleChoiceField(
        label=_("SLSP co-candidates"),
        queryset=Slsp.objects.none(),
        required=False,
        widget=PickerWidget,
        help_text=_("Un dossier commun : leurs référents pourront aussi le modifier."),
    )
    domains = forms.MultipleChoiceField(
        label=_("Domaines"),
        choices=Domain.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_publics = forms.MultipleChoiceField(
        label=_("Publics visés"),
        choices=TargetPublic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    network_partners = forms.ModelMultipleChoiceField(
        label=_("Partenaires du réseau de la SLSP"),
        queryset=Partner.objects.none(),
        required=False,
        widget=PickerWidget,
    )
    other_partners = forms.ModelMultipleChoiceField(
        label=_("Autres partenaires du répertoire régional"),
        queryset=Partner.objects.none(),
        required=False,
        widget=PickerWidget,
    )

    class Meta:
        model = Dossier
        fields = ["title", "summary", "domains", "target_publics", "partners", "requested_amount"]

    def __init__(self, *args, call, lead_slsp_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        # Chosen through the two lists below (the SLSP's network first); clean() joins them.
        del self.fields["partners"]
        self.fields["summary"].max_length = SUMMARY_MAX
        self.fields["summary"].validators.append(MaxLengthValidator(SUMMARY_MAX))
        self.fields["summary"].widget.attrs["maxlength"] = SUMMARY_MAX
        self.fields["co_applicants"].queryset = Slsp.objects.exclude(pk=lead_slsp_id).order_by(
            "official_name"
        )
        # The official name is what people search for (short names are not all known).
        self.fields["co_applicants"].label_from_instance = lambda s: s.official_name
        network = Q(slsp_links__slsp_id=lead_slsp_id)
        self.fields["network_partners"].queryset = (
            Partner.objects.filter(network).distinct().order_by("name")
        )
        self.fields["other_partners"].queryset = Partner.objects.exclude(network).order_by("name")
        self.fields["requested_amount"].help_text = _("Plafond : %(c)s") % {
            "c": formats.amount(call.ceiling_per_dossier)
        }
        self.order_fields(["lead_slsp", "co_applicants", "title", "summary"])
        if self.instance.pk:
            self.initial["co_applicants"] = [
                s for s in self.instance.applicant_slsp_ids() if s != lead_slsp_id
            ]
            chosen = list(self.instance.partners.values_list("pk", flat=True))
            self.initial["network_partners"] = chosen
            self.initial["other_partners"] = chosen

    def clean_requested_amount(self):
        amount = self.cleaned_data.get("requested_amount")
        if amount is not None and amount > self.call.ceiling_per_dossier:
            raise forms.ValidationError(
                _("Le montant demandé dépasse le plafond de %(c)s par dossier."),
                params={"c": formats.amount(self.call.ceiling_per_dossier)},
            )
        return amount

    def clean(self):
        data = super().clean()
        data["partners"] = [
            *(data.get("network_partners") or []),
            *(data.get("other_partners") or []),
        ]
        return data


class DossierCreateForm(DossierForm):
    lead_slsp = forms.ModelChoiceField(label=_("SLSP porteuse"), queryset=Slsp.objects.none())

    def __init__(self, *args, lead_slsps=(), **kwargs):
        lead_slsps = list(lead_slsps)
        super().__init__(*args, lead_slsp_id=lead_slsps[0].pk if lead_slsps else None, **kwargs)
        self.fields["lead_slsp"].queryset = Slsp.objects.filter(pk__in=[s.pk for s in lead_slsps])
        self.fields["lead_slsp"].initial = lead_slsps[0].pk if lead_slsps else None
        self.order_fields(["lead_slsp", "co_applicants", "title", "summary"])

    def clean(self):
        data = super().clean()
        lead = data.get("lead_slsp")
        if lead and lead in (data.get("co_applicants") or []):
            self.add_error("co_applicants", _("La SLSP porteuse ne peut pas être co-candidate."))
        return data


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["title", "description", "individual", "collective"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2, "maxlength": 3000})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].max_length = 3000
        self.fields["description"].validators.append(MaxLengthValidator(3000))

    def clean(self):
        data = super().clean()
        if data.get("title") and not (data.get("individual") or data.get("collective")):
            raise forms.ValidationError(
                _("Cochez la dimension individuelle, collective ou les deux.")
            )
        return data


# No spare empty rows: the page adds a row in place (a <template> row cloned by
# static/js/dossier_form.js) or, without JavaScript, with the "ajouter une ligne" button.
ActionFormSet = inlineformset_factory(
    Dossier, Action, form=ActionForm, extra=1, can_delete=True, max_num=40, validate_max=True
)


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["label", "amount"]
        widgets = {"amount": forms.NumberInput(attrs={"step": "0.01", "data-budget-amount": ""})}


class BaseBudgetLineFormSet(forms.BaseInlineFormSet):
    def amounts(self) -> list[Decimal]:
        """The amounts the grid holds now: the saved lines, or the typed ones that read
        as amounts (kept rows only), so the page's total follows what was typed."""
        if not self.is_bound:
            return [f.instance.amount for f in self.initial_forms]
        kept = []
        for form in self.forms:
            if form.is_valid() and not form.cleaned_data.get("DELETE"):
                value = form.cleaned_data.get("amount")
                if value is not None:
                    kept.append(value)
        return kept


BudgetLineFormSet = inlineformset_factory(
    Dossier,
    BudgetLine,
    form=BudgetLineForm,
    formset=BaseBudgetLineFormSet,
    extra=1,
    can_delete=True,
    max_num=60,
    validate_max=True,
)


def with_one_more_row(data: QueryDict, prefix: str, max_rows: int) -> QueryDict:
    """The posted data with one more (empty) row: the no-JavaScript "ajouter une ligne"
    button re-renders the grid with everything typed kept and a new row below."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except ValueError:
        total = 0
    data[key] = str(min(total + 1, max_rows))
    return data


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    file = forms.FileField(
        label=_("Fichier PDF"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF uniquement, %(limit)d Mo au maximum.") % {
            "limit": max_upload_bytes() // (1024 * 1024)
        }

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        validate_upload(uploaded, (PDF,))
        return uploaded


class AssignForm(forms.Form):
    juror: "forms.ModelChoiceField[User]" = forms.ModelChoiceField(
        label=_("Membre du jury"), queryset=None
    )
    dossier: "forms.ModelChoiceField[Dossier]" = forms.ModelChoiceField(
        label=_("Dossier"), queryset=None, to_field_name="uuid"
    )

    def __init__(self, *args, jurors, dossiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["juror"].queryset = jurors
        self.fields["dossier"].queryset = dossiers


class BalancedForm(forms.Form):
    per_dossier = forms.IntegerField(
        label=_("Nombre de jurés par dossier"), min_value=1, max_value=15, initial=3
    )


class ConflictForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Avez-vous un conflit d'intérêts avec ce dossier ?"),
        choices=[("no", _("Non, aucun lien")), ("yes", _("Oui, j'ai un lien"))],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
    )
    reason = forms.CharField(
        label=_("Motif (si oui)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("has_conflict") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Indiquez le motif du conflit."))
        return data


class ScoreForm(forms.Form):
    """One score and one comment per criterion, built from the call's criteria."""

    overall_comment = forms.CharField(
        label=_("Commentaire général"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, criteria, scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores = scores or {}
        for c in self.criteria:
            current = scores.get(c.pk)
            # The fieldset's legend names the criterion; the fields say what they hold.
            self.fields[f"score_{c.pk}"] = forms.DecimalField(
                label=_("Note"),
                required=False,
                min_value=Decimal(c.scale_min),
                max_value=Decimal(c.scale_max),
                max_digits=5,
                decimal_places=2,
                initial=current.value if current else None,
                help_text=_("De %(min)d à %(max)d") % {"min": c.scale_min, "max": c.scale_max},
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=_("Commentaire"),
                required=False,
                max_length=3000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=current.comment if current else "",
            )

    def rows(self):
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]


class DecisionForm(forms.Form):
    # A required choice with nothing preselected: the president picks each outcome.
    outcome = forms.ChoiceField(
        label=_("Décision"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez une décision.")},
    )
    granted_amount = forms.DecimalField(
        label=_("Montant accordé (€)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
    )
    rationale = forms.CharField(
        label=_("Motivation"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier = dossier

    def clean(self):
        data = super().clean()
        outcome, amount = data.get("outcome"), data.get("granted_amount")
        if outcome == Outcome.SELECTED:
            if not amount:
                self.add_error("granted_amount", _("Indiquez le montant accordé."))
            elif amount > (self.dossier.requested_amount or 0):
                self.add_error(
                    "granted_amount", _("Le montant accordé dépasse le montant demandé.")
                )
        elif amount:
            self.add_error("granted_amount", _("Seul un dossier retenu reçoit un montant."))
        return data


class NotesForm(forms.Form):
    deliberation_notes = forms.CharField(
        label=_("Notes de délibération"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class AttendanceForm(forms.Form):
    """The jurors present at the deliberation, named in the minutes."""

    attendees: "forms.ModelMultipleChoiceField[User]" = forms.ModelMultipleChoiceField(
        label=_("Membres du jury présents"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, jurors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = jurors


class ReplacementForm(forms.Form):
    juror: "forms.ModelChoiceField[User]" = forms.ModelChoiceField(
        label=_("Membre du jury remplaçant"),
        queryset=None,
        empty_label=_("— Choisir dans la réserve —"),
        error_messages={
            "required": _("Choisissez un membre du jury."),
            "invalid_choice": _("Cette personne ne peut pas évaluer ce dossier."),
        },
    )

    def __init__(self, *args, pool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["juror"].queryset = pool
