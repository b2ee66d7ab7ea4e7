from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import SlspOwnedModel


class Erasure(SlspOwnedModel):
    """A household whose personal data were pseudonymised after the retention period.

    Ids and counts only: this row is what makes the erasure job idempotent and lets the
    SLSP answer "when was this household's data erased" without keeping the data.
    """

    household = models.OneToOneField(
        "tenants.Household", on_delete=models.CASCADE, related_name="erasure"
    )
    tenancy_ended_on = models.DateField(_("fin du dernier bail"))
    erased_at = models.DateTimeField(_("effacé le"), default=timezone.now)
    counts = models.JSONField(_("lignes traitées"), default=dict)

    class Meta:
        verbose_name = _("effacement de données")
        verbose_name_plural = _("effacements de données")
        ordering = ["-erased_at"]

    def __str__(self):
        return f"{self.household_id} {self.erased_at:%Y-%m-%d}"
