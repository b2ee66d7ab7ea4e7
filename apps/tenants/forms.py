from django import forms
from django.utils.translation import gettext_lazy as _

from apps.tenants import importer


class ImportUploadForm(forms.Form):
    slsp = forms.TypedChoiceField(label=_("SLSP"), coerce=int)
    file = forms.FileField(
        label=_("Export de la gestion locative (CSV ou XLSX)"),
        help_text=_("Une ligne par membre du ménage ; dates au format jj/mm/aaaa."),
    )
    full_export = forms.BooleanField(
        label=_("C'est un export complet (tous les baux en cours de la SLSP)"),
        required=False,
        help_text=_(
            "Les baux absents d'un export complet pourront être clôturés, après votre confirmation."
        ),
    )

    def __init__(self, *args, slsps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slsp"].choices = [(s.pk, str(s)) for s in slsps]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        max_bytes = importer.limit("MAX_BYTES")
        if upload.size > max_bytes:
            raise forms.ValidationError(
                _("Le fichier dépasse %(mb)s Mo.") % {"mb": max_bytes // (1024 * 1024)}
            )
        return upload


class ImportApplyForm(forms.Form):
    confirm_end = forms.BooleanField(
        label=_("Je confirme la clôture des baux absents de l'export complet"), required=False
    )
