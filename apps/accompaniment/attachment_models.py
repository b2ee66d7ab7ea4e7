"""Files attached to a consent (the signed form), a follow-up (repayment plan, letters)
or a moment: the row, kept apart from models.py so that the feature stays in its own
module set (attachments.py, views_attachments.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import SlspOwnedModel


def attachment_upload_to(instance: "Attachment", filename: str) -> str:
    """`attachments/<yyyy>/<uuid>.<ext>`: the extension of the type the CONTENT was
    recognised as (apps.core.uploads), nothing of the name the browser sent."""
    from apps.core.uploads import KINDS, safe_storage_name

    return safe_storage_name("attachments", KINDS[instance.file_kind].extension)


class AttachmentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"


class Attachment(SlspOwnedModel):
    household = models.ForeignKey(
        "tenants.Household", on_delete=models.CASCADE, related_name="attachments"
    )
    # Exactly one owner (check constraint below).
    consent = models.ForeignKey(
        "accompaniment.Consent",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    follow_up = models.ForeignKey(
        "accompaniment.FollowUp",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    moment = models.ForeignKey(
        "accompaniment.Moment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    title = models.CharField(_("intitulé"), max_length=120)
    file = models.FileField(upload_to=attachment_upload_to, max_length=200)
    file_kind = models.CharField(max_length=8, choices=AttachmentKind.choices)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(consent__isnull=False, follow_up__isnull=True, moment__isnull=True)
                    | Q(consent__isnull=True, follow_up__isnull=False, moment__isnull=True)
                    | Q(consent__isnull=True, follow_up__isnull=True, moment__isnull=False)
                ),
                name="attachment_exactly_one_owner",
            )
        ]
        indexes = [models.Index(fields=["household", "uploaded_at"], name="attachment_household")]

    def __str__(self) -> str:
        return self.title
