from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from markupsafe import escape  # the Jinja2 form templates' escaping (&#39; for ')

from apps.accompaniment.models import (
    ArrearsStage,
    Domain,
    FollowUp,
    MomentKind,
    ObjectiveStatus,
    Outcome,
    RelocationKind,
    Sensitivity,
)
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


class CloseFollowUpForm(forms.Form):
    """Rendered once per open follow-up: no ids, an aria-label names the select."""

    outcome = forms.ChoiceField(
        label=_("Issue"),
        choices=Outcome.choices,
        widget=forms.Select(attrs={"aria-label": _("Issue du suivi")}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", False)
        super().__init__(*args, **kwargs)


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
