from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class ExportForm(forms.Form):
    """The export's reason is logged; sensitive notes are included only on request, by
    someone who may read them (apps.accompaniment.sensitive), and each one is then logged
    as a sensitive read with the same reason."""

    FORMATS = [
        ("pdf", _("PDF")),
        ("json", _("JSON")),
        ("zip", _("Archive ZIP : le PDF, le JSON et les documents joints")),
    ]

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
    include_sensitive = forms.BooleanField(
        label=_("Inclure les notes sensibles (santé, violences)"),
        required=False,
        help_text=_(
            "Sans cette case, chaque note sensible est remplacée par « Note sensible "
            "(non incluse) ». Avec elle, la lecture de chaque note est enregistrée dans le "
            "journal des accès avec le motif ci-dessus."
        ),
    )

    def __init__(self, *args: Any, may_include_sensitive: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Without the right, the option does not exist: a forged field is ignored.
        if not may_include_sensitive:
            del self.fields["include_sensitive"]
