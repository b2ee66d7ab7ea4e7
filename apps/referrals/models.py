"""Referrals (orientations) from a follow-up to a partner, their history and the
partner's signed link. The tables keep the names they had when these models lived
in apps.accompaniment (db_table)."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

__all__ = [
    "OPEN_STATUSES",
    "TRANSITIONS",
    "LinkPurpose",
    "Referral",
    "ReferralEvent",
    "ReferralLink",
    "ReferralLinkUse",
    "ReferralOutcome",
    "ReferralStatus",
    "SharedData",
]


class ReferralStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposée")
    SENT = "sent", _("Envoyée")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")
    IN_PROGRESS = "in_progress", _("En cours")
    CLOSED = "closed", _("Clôturée")


# Statuses where the referral still shares data with the partner.
OPEN_STATUSES = (
    ReferralStatus.PROPOSED,
    ReferralStatus.SENT,
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
)

# The only legal moves of the workflow (consent withdrawal closes from any open status,
# through its own service, never through this table).
TRANSITIONS = {
    ReferralStatus.PROPOSED: {ReferralStatus.SENT},
    ReferralStatus.SENT: {ReferralStatus.ACCEPTED, ReferralStatus.REFUSED},
    ReferralStatus.ACCEPTED: {ReferralStatus.IN_PROGRESS},
    ReferralStatus.IN_PROGRESS: {ReferralStatus.CLOSED},
}


class ReferralOutcome(models.TextChoices):
    REACHED = "objectif_atteint", _("Pris en charge, objectif atteint")
    PARTIAL = "partiel", _("Pris en charge, objectif partiellement atteint")
    NO_SHOW = "sans_suite", _("Sans suite (le ménage ne s'est pas présenté)")
    REDIRECTED = "reoriente", _("Réorienté vers un autre service")
    CONSENT_WITHDRAWN = "retrait_consentement", _("Consentement retiré : partage arrêté")


class SharedData(models.TextChoices):
    """What a referral may show the partner, each item chosen by the référent."""

    IDENTITY = "identite", _("Nom du ménage")
    MEMBERS = "composition", _("Composition du ménage (prénoms, années de naissance)")
    ADDRESS = "adresse", _("Adresse du logement")
    TENANCY = "bail", _("Situation locative (catégorie, début du bail)")
    ARREARS = "impayes", _("Impayés (stade et montant)")
    FOLLOW_UP = "suivi", _("Objectif et domaines du suivi")


class Referral(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slsp = models.ForeignKey("slsps.Slsp", on_delete=models.CASCADE, related_name="+")
    follow_up = models.ForeignKey(
        "accompaniment.FollowUp", on_delete=models.CASCADE, related_name="referrals"
    )
    # Copied from the follow-up: a withdrawal reaches every referral of the household.
    household = models.ForeignKey(
        "tenants.Household", on_delete=models.CASCADE, related_name="referrals"
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("partenaire"),
    )
    agreement = models.ForeignKey(
        "partners.Agreement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("convention"),
    )
    reason = models.TextField(_("motif de l'orientation"), max_length=2000)
    shared_data = ArrayField(
        models.CharField(max_length=20, choices=SharedData.choices),
        default=list,
        blank=True,
        verbose_name=_("données partagées"),
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.PROPOSED
    )
    proposed_at = models.DateTimeField(_("proposée le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    # Accepted or refused: the partner's answer (response time = answered_at - sent_at).
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True)
    started_at = models.DateTimeField(_("prise en charge le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clôturée le"), null=True, blank=True)
    outcome = models.CharField(
        _("résultat"), max_length=30, choices=ReferralOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("commentaire sur le résultat"), max_length=2000, blank=True)
    answer_note = models.TextField(_("commentaire du partenaire"), max_length=2000, blank=True)
    recipient_email = models.EmailField(_("e-mail du partenaire"), blank=True)
    # Set when the household's consent no longer covers it: nothing is shown any more.
    sharing_stopped_at = models.DateTimeField(_("partage arrêté le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager(slsp="slsp")

    class Meta:
        db_table = "accompaniment_referral"
        verbose_name = _("orientation")
        verbose_name_plural = _("orientations")
        ordering = ["-proposed_at", "-pk"]
        indexes = [
            models.Index(fields=["slsp", "status"], name="referral_slsp_status"),
            models.Index(fields=["slsp", "partner"], name="referral_slsp_partner"),
            # Referrals this semester per SLSP (regional dashboard), by index range.
            models.Index(fields=["slsp", "proposed_at"], name="referral_slsp_proposed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="closed") | models.Q(outcome=""),
                name="referral_outcome_only_closed",
            )
        ]

    def __str__(self):
        return f"{self.partner} — {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def sharing(self) -> bool:
        return self.sharing_stopped_at is None and self.is_open

    def shared_labels(self) -> list[str]:
        return [str(SharedData(v).label) for v in self.shared_data if v in SharedData.values]

    def response_days(self) -> int | None:
        """Days the partner took to answer (or has been waiting, while sent)."""
        if self.sent_at is None:
            return None
        end = self.answered_at or (timezone.now() if self.status == ReferralStatus.SENT else None)
        if end is None:
            return None
        return (end - self.sent_at).days

    def agreed_days(self) -> int | None:
        return self.agreement.response_days if self.agreement_id and self.agreement else None

    def is_late(self) -> bool | None:
        """Compared with the agreement's agreed response time (None: nothing to compare)."""
        taken, agreed = self.response_days(), self.agreed_days()
        if taken is None or agreed is None:
            return None
        return taken > agreed


class ReferralEvent(models.Model):
    """One change of status: when, from what to what, by whom (a user or a partner link)."""

    slsp = models.ForeignKey("slsps.Slsp", on_delete=models.CASCADE, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=20, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ReferralStatus.choices)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    by_link = models.ForeignKey(
        "referrals.ReferralLink", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    objects = ScopedManager(slsp="slsp")

    class Meta:
        db_table = "accompaniment_referralevent"
        verbose_name = _("changement de statut d'une orientation")
        verbose_name_plural = _("historique des orientations")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.referral_id}: {self.from_status} → {self.to_status}"


class LinkPurpose(models.TextChoices):
    ANSWER = "answer", _("Accepter ou refuser")
    OUTCOME = "outcome", _("Prise en charge et résultat")


class ReferralLink(models.Model):
    """A signed, expiring link for one referral and one purpose, sent to the partner.

    The token in the e-mail is signed (TimestampSigner) and carries `nonce`; the row
    makes it single-use and revocable (consent withdrawal revokes every link).
    """

    slsp = models.ForeignKey("slsps.Slsp", on_delete=models.CASCADE, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(max_length=10, choices=LinkPurpose.choices)
    nonce = models.CharField(max_length=64, unique=True)
    recipient_email = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The message that carries the link: the référent sees whether the mail server has
    # accepted it yet (the outbox sends it after commit, with retries).
    email = models.ForeignKey(
        "core.OutboundEmail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedManager(slsp="slsp")

    class Meta:
        db_table = "accompaniment_referrallink"
        verbose_name = _("lien partenaire")
        verbose_name_plural = _("liens partenaires")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.referral_id} {self.purpose}"


class ReferralLinkUse(models.Model):
    """Every use of a partner link: display, action, or a refused attempt."""

    class Action(models.TextChoices):
        VIEW = "view", _("Consultation")
        ACCEPT = "accept", _("Acceptation")
        REFUSE = "refuse", _("Refus")
        START = "start", _("Début de prise en charge")
        CLOSE = "close", _("Résultat signalé")
        REFUSED = "refused", _("Tentative refusée")

    slsp = models.ForeignKey("slsps.Slsp", on_delete=models.CASCADE, related_name="+")
    # Named on every row: the household's access history, export and erasure find the
    # partner's reads without walking link → referral.
    household = models.ForeignKey("tenants.Household", on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey(ReferralLink, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=10, choices=Action.choices)
    detail = models.CharField(max_length=200, blank=True)

    objects = ScopedManager(slsp="slsp")

    class Meta:
        db_table = "accompaniment_referrallinkuse"
        verbose_name = _("utilisation d'un lien partenaire")
        verbose_name_plural = _("journal des liens partenaires")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
