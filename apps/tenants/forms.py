from django import forms
from django.utils.translation import gettext_lazy as _

from apps.tenants import importer


class ImportUploadForm(forms.Form):
    slsp = forms.TypedChoiceField(label=_("SLSP"), coerce=int)
    file = forms.FileField(
        label=_("Export de la gestion locative (CSV, XLSX ou ODS)"),
        help_text=_("Une ligne par membre du ménage ; dates au format jj/mm/aaaa."),
    )
    sheet = forms.CharField(
        label=_("Feuille du classeur"),
        required=False,
        max_length=100,
        help_text=_(
            "Facultatif : sans nom de feuille, la première feuille qui a les colonnes "
            "obligatoires est lue."
        ),
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
    confirm_end_count = forms.IntegerField(
        label=_("Nombre de baux à clôturer (recopiez le nombre affiché)"),
        required=False,
        min_value=0,
    )

    def __init__(self, *args, to_end: int = 0, needs_count: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.to_end = to_end
        self.needs_count = needs_count
        if not needs_count:
            del self.fields["confirm_end_count"]

    def clean(self):
        data = super().clean()
        # Closing an unusual share of the leases: the count typed back is the confirmation.
        if (
            self.needs_count
            and data.get("confirm_end")
            and data.get("confirm_end_count") != (self.to_end)
        ):
            self.add_error(
                "confirm_end_count",
                _("Tapez %(n)s pour confirmer la clôture de ces baux.") % {"n": self.to_end},
            )
        return data
