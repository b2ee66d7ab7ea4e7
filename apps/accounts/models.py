import uuid

from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as AxesAccessLog
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice


class Role(models.TextChoices):
    REFERENT = "referent", _("Référent social")
    ACCOMPAGNATEUR = "accompagnateur", _("Accompagnateur social")
    DIRECTION = "direction", _("Direction SLSP")
    COORDINATEUR = "coordinateur", _("Coordinateur SWL")
    JURY = "jury", _("Membre du jury")
    ADMIN = "admin", _("Administrateur")


# Roles exercised inside one SLSP; the others are regional or technical.
SLSP_ROLES = frozenset({Role.REFERENT, Role.ACCOMPAGNATEUR, Role.DIRECTION})
# A fixed order (that of migration 0002): a set's order changes with hash seeds and
# would make `makemigrations` see a new constraint on every run.
_SLSP_ROLE_VALUES = [Role.DIRECTION.value, Role.REFERENT.value, Role.ACCOMPAGNATEUR.value]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class NotificationEmail(models.TextChoices):
    IMMEDIATE = "immediate", _("un e-mail à chaque notification")
    DAILY = "daily", _("un résumé par jour")
    NONE = "none", _("aucun e-mail (dans l'application seulement)")


class User(AbstractBaseUser, PermissionsMixin):
    """A person signing in with their e-mail address; roles come from memberships."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("adresse e-mail"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(_("accès à l'administration"), default=False)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)
    # The interface language of this person, activated on each of their requests
    # (middleware.UserLanguageMiddleware) and used for the e-mails sent to them.
    language = models.CharField(
        _("langue"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # How this person's notifications reach their mailbox (apps.accounts.notifications).
    notification_email = models.CharField(
        _("notifications par e-mail"),
        max_length=10,
        choices=NotificationEmail.choices,
        default=NotificationEmail.IMMEDIATE,
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    # Set on the instance by the pre_save signal (apps.accounts.signals) for post_save:
    # whether this save changes superuser or staff rights. Not a column.
    _privileges_changed: bool

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    # Roles are read once per request (one query) and reused by every rule.
    @cached_property
    def role_pairs(self) -> frozenset[tuple[str, int | None]]:
        if not self.pk or not self.is_active:
            return frozenset()
        return frozenset(self.memberships.values_list("role", "slsp_id"))

    def has_role(self, role: str, slsp_id: int | None = None) -> bool:
        if slsp_id is None:
            return any(r == role for r, _ in self.role_pairs)
        return (role, slsp_id) in self.role_pairs

    def slsp_ids(self, roles=SLSP_ROLES) -> tuple[int, ...]:
        return tuple(sorted({s for r, s in self.role_pairs if r in roles and s is not None}))

    def role_labels(self) -> list[str]:
        return sorted({str(Role(r).label) for r, _ in self.role_pairs})


class Membership(models.Model):
    """A role held by a person, inside one SLSP for SLSP roles, regional otherwise."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("personne")
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    slsp = models.ForeignKey(
        "slsps.Slsp",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("SLSP"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rôle attribué")
        verbose_name_plural = _("rôles attribués")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "slsp"],
                name="membership_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=(
                    Q(role__in=_SLSP_ROLE_VALUES, slsp__isnull=False)
                    | (~Q(role__in=_SLSP_ROLE_VALUES) & Q(slsp__isnull=True))
                ),
                name="membership_slsp_matches_role",
                violation_error_message=_(
                    "Les rôles référent, accompagnateur et direction exigent une SLSP ; "
                    "les rôles régionaux n'en ont pas."
                ),
            ),
        ]

    def __str__(self):
        label = Role(self.role).label
        return f"{self.user} — {label}" + (f" ({self.slsp})" if self.slsp_id else "")


class AppendOnlyError(Exception):
    """The audit tables are append-only for the application (see apps/accounts/audit.py)."""


class AccessLogQuerySet(models.QuerySet):
    # Only apps/accounts/audit.py may rewrite rows, inside `audit.purging()` (erasure);
    # PostgreSQL refuses it anyway without `slsp.purge` (trigger of migration 0004).
    def update(self, **kwargs):
        raise AppendOnlyError("the access log is append-only")

    def delete(self):
        raise AppendOnlyError("the access log is append-only")

    def _purge_update(self, **kwargs):
        return super().update(**kwargs)


class AccessLog(models.Model):
    """Who read which personal record, when (UTC) and through which view.

    Append-only: saving an existing row or deleting one raises; only the erasure job
    detaches rows about an erased household (`apps.accounts.audit.purging`).
    """

    at = models.DateTimeField(_("moment"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("utilisateur")
    )
    slsp = models.ForeignKey(
        "slsps.Slsp", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("SLSP")
    )
    object_type = models.CharField(_("type d'objet"), max_length=80)
    object_id = models.CharField(_("identifiant"), max_length=64)
    view_name = models.CharField(_("vue"), max_length=120)
    path = models.CharField(_("chemin"), max_length=500)
    reason = models.CharField(_("motif"), max_length=300, blank=True)
    # The household (tenants.Household pk) the record is about, so that the direction
    # can filter by household and erasure finds every row; no FK: accounts is below
    # tenants (DESIGN.md §3).
    subject_household = models.BigIntegerField(_("ménage concerné"), null=True, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("accès à une donnée personnelle")
        verbose_name_plural = _("journal des accès")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["slsp", "-at"], name="accesslog_slsp_at"),
            models.Index(fields=["object_type", "object_id"], name="accesslog_object"),
            models.Index(fields=["subject_household", "-at"], name="accesslog_household"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("the access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the access log is append-only")


class UserSession(models.Model):
    """A session opened by a sign-in, so that deactivating an account ends all of them."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="tracked_sessions", verbose_name=_("personne")
    )
    session_key = models.CharField(_("clé de session"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("ouverte le"), default=timezone.now)

    class Meta:
        verbose_name = _("session ouverte")
        verbose_name_plural = _("sessions ouvertes")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class EnrolmentCode(models.Model):
    """A one-time code e-mailed before a first second-factor enrolment.

    A stolen password alone must not let someone enrol their own authenticator: the
    QR code and key are shown only after this code, sent to the account's address.
    Only a keyed hash is stored; the code expires and allows a few attempts.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("personne")
    )
    code_hash = models.CharField(_("empreinte du code"), max_length=64)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)

    class Meta:
        verbose_name = _("code d'activation par e-mail")
        verbose_name_plural = _("codes d'activation par e-mail")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class Invitation(models.Model):
    """An e-mailed link with which an invited person sets their own password.

    The link's token is signed and expiring (`apps.accounts.invitations`) and names
    `nonce`; this row makes it single-use and revocable, and records who invited whom.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("personne")
    )
    nonce = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invitée par"),
    )
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    used_at = models.DateTimeField(_("utilisée le"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} — {timezone.localtime(self.created_at):%d/%m/%Y %H:%M}"


class BackupCode(models.Model):
    """A one-time code that stands in for the authenticator app (lost phone).

    Only a keyed hash is stored (`apps.accounts.backup_codes`); a used code keeps its
    row with `used_at` as a trace.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="backup_codes", verbose_name=_("personne")
    )
    code_hash = models.CharField(_("empreinte du code"), max_length=64)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("code de secours")
        verbose_name_plural = _("codes de secours")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="backupcode_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class SecondFactorDevice(TOTPDevice):
    """django-otp's TOTP devices under a French name in the Django admin (no table)."""

    class Meta:
        proxy = True
        verbose_name = _("second facteur (TOTP)")
        verbose_name_plural = _("seconds facteurs (TOTP)")


# django-axes' records under French names (and French __str__) in the Django admin.
class SignInAttempt(AccessAttempt):
    class Meta:
        proxy = True
        verbose_name = _("tentative de connexion en cours")
        verbose_name_plural = _("tentatives de connexion en cours")

    def __str__(self):
        return f"{self.username} — {timezone.localtime(self.attempt_time):%d/%m/%Y %H:%M}"


class SignIn(AxesAccessLog):
    class Meta:
        proxy = True
        verbose_name = _("connexion")
        verbose_name_plural = _("connexions")

    def __str__(self):
        return f"{self.username} — {timezone.localtime(self.attempt_time):%d/%m/%Y %H:%M}"


class SignInFailure(AccessFailureLog):
    class Meta:
        proxy = True
        verbose_name = _("échec de connexion")
        verbose_name_plural = _("échecs de connexion")

    def __str__(self):
        return f"{self.username} — {timezone.localtime(self.attempt_time):%d/%m/%Y %H:%M}"


class Notification(models.Model):
    """Something a person should know, shown in the application and e-mailed.

    Titles and bodies name objects by their reference (household reference, call,
    semester), never a tenant's name: they travel by e-mail.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("personne")
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    title = models.CharField(_("titre"), max_length=255)
    body = models.TextField(_("détail"), blank=True)
    # A path inside the application; e-mails make it absolute with SITE_URL.
    url = models.CharField(_("lien"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    # Set when an e-mail carried it (at once or in the daily summary), or when the
    # person wanted none: a notification is never e-mailed twice.
    emailed_at = models.DateTimeField(_("envoyée par e-mail le"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="accounts_notif_unread"),
            models.Index(fields=["emailed_at", "created_at"], name="accounts_notif_digest"),
        ]

    def __str__(self) -> str:
        return self.title
