import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Heartbeat(models.Model):
    """A row written by a Celery worker: the end-to-end proof used by tests and health."""

    token = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("battement de cœur du worker")
        verbose_name_plural = _("battements de cœur du worker")

    def __str__(self):
        return self.token


class OutboundEmail(models.Model):
    """An e-mail waiting for, or accepted by, the mail server.

    Messages are stored before they are sent so that an SMTP outage never fails the
    request that produced them and a lost broker message is sent by the next sweep.
    The body may name a tenant: it is emptied once the server has accepted it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente d'envoi")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("échec de l'envoi")

    subject = models.CharField(_("objet"), max_length=255)
    body = models.TextField(_("contenu"), blank=True)
    to = models.JSONField(_("destinataires"), default=list)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    last_error = models.CharField(_("dernière erreur"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("e-mail sortant")
        verbose_name_plural = _("e-mails sortants")
        indexes = [models.Index(fields=["status", "created_at"], name="core_outbound_pending")]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_status_display()})"


class UuidModel(models.Model):
    """A row that URLs name by an unguessable UUID, never by its sequential id."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class SlspScopedModel(models.Model):
    """A row holding one SLSP's data: tenant isolation is deny-by-default.

    The scoped manager makes any query run with no active SLSP scope raise, and limits
    it to the scope's SLSP otherwise. A subclass whose link to its SLSP has other
    options (related_name, verbose_name, on_delete) redeclares `slsp`; one that needs
    its own queryset redeclares `objects` with `ScopedManager(slsp="slsp",
    _manager_class=...)`; both stay scoped on "slsp".
    """

    # Lazy reference: core sits below slsps and may not import it.
    slsp = models.ForeignKey("slsps.Slsp", on_delete=models.CASCADE, related_name="+")

    objects = ScopedManager(slsp="slsp")

    class Meta:
        abstract = True


class SlspOwnedModel(UuidModel, SlspScopedModel):
    """An SLSP's row that URLs name by its UUID: what most SLSP data is."""

    class Meta:
        abstract = True


class TimestampedModel(models.Model):
    """When the row was created and last saved (by the ORM; bulk updates do not touch it)."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
