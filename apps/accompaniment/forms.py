from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from markupsafe import escape  # the Jinja2 form templates' escaping (&#39; for ')

from apps.accompaniment.models import (
    FINAL_OBJECTIVE_STATUSES,
    ArrearsStage,
    Domain,
    FollowUp,
    MomentKind,
    ObjectiveStatus,
    Outcome,
    RelocationKind,
    Sensitivity,
)
from apps.core.confirm import ConfirmForm
from apps.core.validators import DateMeaning, date_rule

if TYPE_CHECKING:
    from apps.partners.models import Partner
    from apps.tenants.models import RenovationWorks

SENSITIVE_BOTH = _(
    "Une note sensible demande à la fois sa nature (santé, violences) et son contenu."
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CheckboxList(forms.CheckboxSelectMultiple):
    """CheckboxSelectMultiple with Django's exact markup (its Jinja2 widget templates, the
    project's form renderer), written with plain string joins.

    The household page shows the SLSP's whole partner network (about 50 partners), and
    three nested widget templates for every checkbox were a large part of the page's
    time on the regional-scale dataset. Grouped choices keep Django's renderer.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = widget["optgroups"]
        if any(group for group, _options, _index in groups):
            return super().render(name, value, attrs, renderer)
        boxes = "".join(
            '<div>\n    <label{}><input type="{}" name="{}"{}{}> {}</label></div>'.format(
                f' for="{escape(o["attrs"]["id"])}"' if o["attrs"].get("id") else "",
                escape(o["type"]),
                escape(o["name"]),
                f' value="{escape(o["value"])}"' if o["value"] is not None else "",
                _attrs(o["attrs"]),
                escape(o["label"]),
            )
            for _group, options, _index in groups
            for o in options
        )
        ident = widget["attrs"].get("id")
        css = widget["attrs"].get("class")
        return mark_safe(  # noqa: S308 (every variable part escaped above)
            "<div{}{}>{}\n</div>".format(
                f' id="{escape(ident)}"' if ident else "",
                f' class="{escape(css)}"' if css else "",
                boxes,
            )
        )


def _attrs(attrs: dict) -> str:
    """Django's attrs.html: False left out, True as a bare attribute name."""
    return "".join(
        f" {escape(key)}" if value is True else f' {escape(key)}="{escape(value)}"'
        for key, value in attrs.items()
        if value is not False
    )


class ConsentForm(forms.Form):
    prefix = "consent"

    given_on = forms.DateField(
        label=_("Date de l'accord"), widget=DateInput(), validators=date_rule(DateMeaning.PAST)
    )
    covers_follow_up = forms.BooleanField(label=_("Accepte un suivi"), required=False, initial=True)
    share_with: "forms.ModelMultipleChoiceField[Partner]" = forms.ModelMultipleChoiceField(
        label=_("Accepte le partage de ses données avec"),
        queryset=None,
        required=False,
        widget=CheckboxList,
    )
    expires_on = forms.DateField(
        label=_("Échéance"),
        required=False,
        widget=DateInput(),
        validators=date_rule(DateMeaning.TERM),
    )
    note = forms.CharField(label=_("Remarque"), max_length=300, required=False)

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["share_with"].queryset = partners
        self.fields["given_on"].initial = timezone.localdate()


class FollowUpForm(forms.Form):
    prefix = "followup"

    domains = forms.MultipleChoiceField(
        label=_("Domaines"), choices=Domain.choices, widget=CheckboxList
    )
    objective = forms.CharField(label=_("Objectif"), max_length=300)
    more_objectives = forms.CharField(
        label=_("Autres objectifs (un par ligne)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    arrears_amount = forms.DecimalField(
        label=_("Arriéré à l'ouverture (EUR)"),
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
    )
    arrears_stage = forms.ChoiceField(
        label=_("Stade des impayés"),
        choices=[("", "—"), *ArrearsStage.choices],
        required=False,
    )
    arrears_plan_followed = forms.NullBooleanField(
        label=_("Plan d'apurement suivi"), required=False
    )
    relocation_works: "forms.ModelChoiceField[RenovationWorks]" = forms.ModelChoiceField(
        label=_("Travaux concernés"), queryset=None, required=False, empty_label="—"
    )
    relocation_kind = forms.ChoiceField(
        label=_("Relogement"), choices=[("", "—"), *RelocationKind.choices], required=False
    )
    relocation_start = forms.DateField(
        label=_("Début du relogement"),
        required=False,
        widget=DateInput(),
        validators=date_rule(DateMeaning.PLANNED),
    )
    relocation_end = forms.DateField(
        label=_("Fin du relogement"),
        required=False,
        widget=DateInput(),
        validators=date_rule(DateMeaning.PLANNED),
    )

    def __init__(self, *args, works=None, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.tenants.models import RenovationWorks

        self.fields["relocation_works"].queryset = (
            works if works is not None else RenovationWorks.objects.none()
        )

    def clean_more_objectives(self):
        lines = [line.strip() for line in self.cleaned_data["more_objectives"].splitlines()]
        lines = [line for line in lines if line]
        if any(len(line) > 300 for line in lines):
            raise forms.ValidationError(_("Un objectif ne dépasse pas 300 caractères."))
        return lines

    def clean(self):
        data = super().clean()
        start, end = data.get("relocation_start"), data.get("relocation_end")
        if start and end and end < start:
            self.add_error("relocation_end", _("La fin du relogement précède son début."))
        return data


class ObjectiveStatusForm(forms.Form):
    """Rendered once per objective: no ids, an aria-label names the select."""

    status = forms.ChoiceField(
        label=_("Statut"),
        choices=ObjectiveStatus.choices,
        widget=forms.Select(attrs={"aria-label": _("Statut de l'objectif")}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", False)
        super().__init__(*args, **kwargs)


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Raison de la consultation"),
        min_length=10,
        max_length=300,
        help_text=_("Cette raison est enregistrée dans le journal des accès."),
    )


class CloseFollowUpForm(ConfirmForm):
    """Closing asks for the outcome (nothing preselected), a note, and the final status of
    each objective still open."""

    outcome = forms.ChoiceField(
        label=_("Issue du suivi"), choices=[("", _("— choisissez —")), *Outcome.choices]
    )
    closed_on = forms.DateField(
        label=_("Date de clôture"), widget=DateInput(), validators=date_rule(DateMeaning.PAST)
    )
    note = forms.CharField(
        label=_("Note de clôture"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce qui a été fait, ce qui reste, à qui le ménage peut s'adresser."),
    )

    def __init__(self, *args, objectives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = timezone.localdate()
        final = [(s.value, s.label) for s in FINAL_OBJECTIVE_STATUSES]
        self.objective_fields = []
        for objective in objectives:
            name = f"objective_{objective.pk}"
            self.fields[name] = forms.ChoiceField(
                label=_("Objectif « %(text)s »") % {"text": objective.text},
                choices=[("", _("— choisissez —")), *final],
            )
            self.objective_fields.append((objective.pk, name))

    def objective_statuses(self) -> dict[int, str]:
        return {pk: self.cleaned_data[name] for pk, name in self.objective_fields}


class ReasonForm(ConfirmForm):
    """A destructive or corrective action that needs its reason, kept in the history."""

    reason = forms.CharField(
        label=_("Motif"), min_length=3, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class WithdrawConsentForm(ConfirmForm):
    prefix = "withdraw"

    withdrawn_on = forms.DateField(
        label=_("Date du retrait"), widget=DateInput(), validators=date_rule(DateMeaning.PAST)
    )
    follow_up = forms.BooleanField(label=_("Le ménage retire son accord au suivi"), required=False)
    partners: "forms.ModelMultipleChoiceField[Partner]" = forms.ModelMultipleChoiceField(
        label=_("Le ménage retire le partage de ses données avec"),
        queryset=None,
        required=False,
        widget=CheckboxList,
    )
    reason = forms.CharField(
        label=_("Motif du retrait"),
        min_length=3,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The choices whose consequences were shown: a confirmation acts only on those.
    previewed = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, consent, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent = consent
        self.fields["withdrawn_on"].initial = timezone.localdate()
        self.fields["partners"].queryset = consent.share_with.order_by("name", "pk")
        if not consent.covers_follow_up:
            del self.fields["follow_up"]

    def clean_withdrawn_on(self):
        day = self.cleaned_data["withdrawn_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("La date du retrait ne peut pas être dans le futur."))
        if day < self.consent.given_on:
            raise forms.ValidationError(_("La date du retrait précède la date du consentement."))
        return day

    def clean(self):
        data = super().clean()
        if not data.get("follow_up") and not data.get("partners"):
            raise forms.ValidationError(
                _("Choisissez ce que le ménage retire : le suivi et/ou un ou plusieurs partages.")
            )
        return data

    def choice_key(self) -> str:
        data = self.cleaned_data
        partners = ",".join(str(p.pk) for p in sorted(data["partners"], key=lambda p: p.pk))
        return f"{data['withdrawn_on'].isoformat()}|{int(bool(data.get('follow_up')))}|{partners}"


class MomentForm(forms.Form):
    prefix = "moment"

    kind = forms.ChoiceField(label=_("Type de moment"), choices=MomentKind.choices)
    date = forms.DateField(
        label=_("Date"), widget=DateInput(), validators=date_rule(DateMeaning.PAST)
    )
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"), min_value=1, max_value=600, initial=30
    )
    follow_up: "forms.ModelChoiceField[FollowUp]" = forms.ModelChoiceField(
        label=_("Suivi"),
        queryset=FollowUp.objects.none(),
        required=False,
        empty_label=_("(hors suivi)"),
    )
    note = forms.CharField(label=_("Note brève"), max_length=500, required=False)
    participants = forms.CharField(label=_("Qui a participé"), max_length=200, required=False)
    partners: "forms.ModelMultipleChoiceField[Partner]" = forms.ModelMultipleChoiceField(
        label=_("Partenaires présents"),
        queryset=None,
        required=False,
        widget=CheckboxList,
    )
    sensitivity = forms.ChoiceField(
        label=_("Note sensible"),
        choices=[("", _("aucune")), *Sensitivity.choices],
        required=False,
    )
    sensitive_note = forms.CharField(
        label=_("Contenu sensible (consultation journalisée)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, follow_ups=(), partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.partners.models import Partner

        if partners is None:
            partners = Partner.objects.none()
        self.fields["partners"].queryset = partners
        open_ones = [f for f in follow_ups if f.is_open]
        # Only this household's open follow-ups; the queryset keeps validation server-side.
        field = self.fields["follow_up"]
        field.queryset = FollowUp.objects.filter(pk__in=[f.pk for f in open_ones])
        # The options come from the follow-ups already read: iterating the queryset would
        # read them again (one more query on the household page).
        field.choices = [("", field.empty_label)] + [
            (f.pk, field.label_from_instance(f)) for f in open_ones
        ]
        self.fields["date"].initial = timezone.localdate()
        if open_ones:
            # The sensible default: the household's open follow-up.
            self.fields["follow_up"].initial = open_ones[0].pk

    def clean(self):
        data = super().clean()
        if bool(data.get("sensitivity")) != bool((data.get("sensitive_note") or "").strip()):
            self.add_error("sensitive_note", SENSITIVE_BOTH)
        return data


class MomentCorrectionForm(MomentForm):
    """The moment form without the sensitive note (never shown nor changed here) and with
    the reason of the correction."""

    reason = forms.CharField(
        label=_("Raison de la correction"),
        min_length=3,
        max_length=500,
        help_text=_("Gardée dans l'historique du ménage avec les valeurs avant et après."),
    )

    def __init__(self, *args, moment, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["sensitivity"]
        del self.fields["sensitive_note"]
        field = self.fields["follow_up"]
        # The moment's own follow-up stays a choice even once closed.
        current = moment.follow_up
        if current is not None and not current.is_open:
            field.queryset = FollowUp.objects.filter(
                pk__in=[*field.queryset.values_list("pk", flat=True), current.pk]
            )
            field.choices = [*field.choices, (current.pk, field.label_from_instance(current))]
        if not self.is_bound:
            self.initial.update(
                {
                    "kind": moment.kind,
                    "date": moment.date,
                    "duration_minutes": moment.duration_minutes,
                    "follow_up": moment.follow_up_id,
                    "note": moment.note,
                    "participants": moment.participants,
                    "partners": [p.pk for p in moment.partners.all()],
                }
            )

    def clean(self):
        return forms.Form.clean(self)
