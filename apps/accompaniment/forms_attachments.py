"""Forms of attachments and of the household's case sheet."""

from django import forms
from django.utils.translation import gettext_lazy


class AttachmentForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Intitulé"),
        max_length=120,
        help_text=gettext_lazy(
            "Par exemple : formulaire signé, plan d'apurement, courrier du CPAS."
        ),
    )
    file = forms.FileField(
        label=gettext_lazy("Fichier"),
        help_text=gettext_lazy("PDF, JPEG ou PNG."),
    )


class SensitiveReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motif de la consultation des notes sensibles"),
        max_length=300,
        help_text=gettext_lazy(
            "Par exemple : réunion d'équipe du 12/01, passation à une collègue."
        ),
    )
