from django import forms
from django.utils.translation import gettext_lazy as _


class ExportForm(forms.Form):
    """Exporting shows everything, sensitive notes included: a reason is logged first."""

    FORMATS = [("pdf", _("PDF")), ("json", _("JSON"))]

    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="pdf")
    reason = forms.CharField(
        label=_("Motif de l'export"),
        min_length=10,
        max_length=300,
        help_text=_(
            "Par exemple : demande d'accès du locataire du 12/11. "
            "Ce motif est enregistré dans le journal des accès."
        ),
    )
