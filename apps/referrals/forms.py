from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.referrals.models import ReferralOutcome, ReferralStatus, SharedData

if TYPE_CHECKING:
    from apps.partners.models import Partner

OUTCOME_CHOICES = [
    (value, label)
    for value, label in ReferralOutcome.choices
    if value != ReferralOutcome.CONSENT_WITHDRAWN
]


class ReferralForm(forms.Form):
    partner: "forms.ModelChoiceField[Partner]" = forms.ModelChoiceField(
        label=_("Partenaire"),
        queryset=None,
        empty_label="—",
        error_messages={
            "invalid_choice": _(
                "Ce partenaire n'est pas proposé : le ménage n'a pas consenti au partage "
                "avec lui, ou aucune convention avec partage de données ne le couvre."
            )
        },
    )
    reason = forms.CharField(
        label=_("Motif de l'orientation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ce que le partenaire doit savoir pour répondre. Restez bref et factuel."),
    )
    shared_data = forms.MultipleChoiceField(
        label=_("Données partagées avec le partenaire"),
        choices=SharedData.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners


class SendForm(forms.Form):
    """The address that receives the partner's link, shown filled in and confirmed by
    the sender: a link (with the household's data) never leaves unconfirmed."""

    recipient_email = forms.EmailField(
        label=_("E-mail du partenaire qui recevra le lien"),
        error_messages={
            "required": _("Indiquez l'adresse e-mail du partenaire qui recevra le lien.")
        },
        help_text=_(
            "Proposée d'après les contacts de la convention propres à votre SLSP ; "
            "vérifiez-la ou tapez-en une autre."
        ),
    )
    confirm = forms.BooleanField(
        label=_("Je confirme que le lien doit être envoyé à cette adresse."),
        error_messages={
            "required": _("Cochez la case pour confirmer l'adresse qui recevra le lien.")
        },
    )


class RecordAnswerForm(forms.Form):
    """The référent records what the partner said by other means (phone, meeting)."""

    status = forms.ChoiceField(
        label=_("Nouveau statut"),
        choices=[
            (ReferralStatus.ACCEPTED, ReferralStatus.ACCEPTED.label),
            (ReferralStatus.REFUSED, ReferralStatus.REFUSED.label),
            (ReferralStatus.IN_PROGRESS, ReferralStatus.IN_PROGRESS.label),
            (ReferralStatus.CLOSED, ReferralStatus.CLOSED.label),
        ],
    )
    outcome = forms.ChoiceField(
        label=_("Résultat (à la clôture)"), choices=[("", "—"), *OUTCOME_CHOICES], required=False
    )
    note = forms.CharField(
        label=_("Commentaire"), max_length=300, required=False, widget=forms.TextInput()
    )


class ConfirmAnswerForm(RecordAnswerForm):
    """The same answer carried through the confirmation page of a status that ends sharing."""

    confirmed = forms.CharField(widget=forms.HiddenInput, initial="1")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("status", "outcome", "note"):
            self.fields[name].widget = forms.HiddenInput()


class PartnerAnswerForm(forms.Form):
    """What the partner may do through its link."""

    action = forms.ChoiceField(
        choices=[
            ("accept", _("Accepter")),
            ("refuse", _("Refuser")),
            ("start", _("Prise en charge commencée")),
            ("close", _("Signaler le résultat")),
        ]
    )
    note = forms.CharField(
        label=_("Commentaire (facultatif)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    outcome = forms.ChoiceField(
        label=_("Résultat"), choices=[("", "—"), *OUTCOME_CHOICES], required=False
    )
    outcome_note = forms.CharField(
        label=_("Commentaire sur le résultat (facultatif)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == "close" and not data.get("outcome"):
            self.add_error("outcome", _("Choisissez le résultat de l'orientation."))
        return data


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Statut"), choices=[("", _("Tous")), *ReferralStatus.choices], required=False
    )
    partner: "forms.ModelChoiceField[Partner]" = forms.ModelChoiceField(
        label=_("Partenaire"), queryset=None, required=False, empty_label=_("Tous")
    )

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
