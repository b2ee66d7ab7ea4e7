"""Service accounts and their API tokens (only a salted hash of each secret is kept)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import UuidModel


class ApiScope(models.TextChoices):
    IMPORT = "import", _("Import de l'export locatif")
    REFERRALS_READ = "referrals:read", _("Lecture des statuts d'orientation")
    REGIONAL_READ = "regional:read", _("Lecture du tableau régional (SWL)")


# Scopes about one SLSP's households; the regional one is for the SWL's accounts only.
SLSP_SCOPES = {ApiScope.IMPORT, ApiScope.REFERRALS_READ}
SWL_SCOPES = {ApiScope.REGIONAL_READ}


class ServiceAccount(UuidModel):
    """A machine client: one SLSP's tools, or the SWL's (no SLSP)."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    # Not a scoped model: tokens are looked up before any SLSP scope exists, and the
    # account's SLSP is what opens the scope of each request.
    slsp = models.ForeignKey(
        "slsps.Slsp",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SLSP"),
        help_text=_("Vide pour un compte de la SWL (tableau régional uniquement)."),
    )
    scopes = ArrayField(
        models.CharField(max_length=30, choices=ApiScope.choices),
        default=list,
        verbose_name=_("portées"),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("compte de service")
        verbose_name_plural = _("comptes de service")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        scopes = set(self.scopes)
        if not scopes:
            raise ValidationError({"scopes": _("Choisissez au moins une portée.")})
        if self.slsp_id is None and scopes - SWL_SCOPES:
            raise ValidationError(
                {"scopes": _("Un compte de la SWL n'a que la portée « regional:read ».")}
            )
        if self.slsp_id is not None and scopes & SWL_SCOPES:
            raise ValidationError(
                {"scopes": _("Le tableau régional est réservé aux comptes de la SWL (sans SLSP).")}
            )


def default_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A bearer token `slsp_<prefix>_<secret>`: the prefix finds the row, the secret is
    checked against a salted SHA-256 (the secret itself is shown once, never stored)."""

    account = models.ForeignKey(
        ServiceAccount,
        on_delete=models.CASCADE,
        related_name="tokens",
        verbose_name=_("compte de service"),
    )
    prefix = models.CharField(_("préfixe"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=200, editable=False)
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créé par"),
        editable=False,
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"), default=default_expiry)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(
        _("dernière utilisation"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"slsp_{self.prefix}_…"
