"""French admin screens for the second factor (django-otp) and the lockouts (django-axes).

Both packages label some fields and screens in English only (django-otp has no
translation of its models); these admins show the same rows with French labels.
The second factors are read-only: an administrator may delete one (the person enrols
again at the next sign-in) but never create or edit one, which would let them know
or set someone else's secret.
"""

from __future__ import annotations

from datetime import datetime

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt, AccessBase, AccessFailureLog
from axes.models import AccessLog as AxesAccessLog
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import SecondFactorDevice, SignIn, SignInAttempt, SignInFailure


def _when(value: datetime | None) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else "—"


class _BooleanFilter(admin.SimpleListFilter):
    """A yes/no filter on one boolean field, under a French title."""

    field = ""

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("1", _("Oui")), ("0", _("Non"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("0", "1"):
            return queryset.filter(**{self.field: self.value() == "1"})
        return queryset


class ConfirmedFilter(_BooleanFilter):
    title = _("activé")
    parameter_name = "active"
    field = "confirmed"


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(SecondFactorDevice)
class SecondFactorDeviceAdmin(TOTPDeviceAdmin):
    list_display = ["person", "device_name", "created", "last_used", "active"]
    list_filter = [ConfirmedFilter]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    search_help_text = _("Recherche par adresse e-mail ou nom de la personne.")
    fields = ["person", "device_name", "active", "created", "last_used"]
    readonly_fields = fields

    def get_fieldsets(self, request: HttpRequest, obj: TOTPDevice | None = None) -> list:
        return [(None, {"fields": self.fields})]

    def get_list_display(self, request: HttpRequest) -> list[str]:
        return self.list_display

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TOTPDevice | None = None) -> bool:
        return False

    @admin.display(description=_("personne"), ordering="user__email")
    def person(self, device: TOTPDevice) -> str:
        return str(device.user)

    @admin.display(description=_("nom de l'appareil"))
    def device_name(self, device: TOTPDevice) -> str:
        return device.name

    @admin.display(description=_("activé"), boolean=True)
    def active(self, device: TOTPDevice) -> bool:
        return device.confirmed

    @admin.display(description=_("créé le"), ordering="created_at")
    def created(self, device: TOTPDevice) -> str:
        return _when(device.created_at)

    @admin.display(description=_("dernière utilisation"), ordering="last_used_at")
    def last_used(self, device: TOTPDevice) -> str:
        return _when(device.last_used_at)


# --- django-axes: sign-in attempts, sign-ins and failures -------------------------


class _AxesLabels:
    """Callables for the fields django-axes labels in English only."""

    @admin.display(description=_("navigateur"))
    def browser(self, obj: AccessBase) -> str:
        return obj.user_agent

    @admin.display(description=_("en-tête Accept"))
    def accept_header(self, obj: AccessBase) -> str:
        return obj.http_accept


class LockedOutFilter(admin.SimpleListFilter):
    title = _("verrouillé")
    parameter_name = "locked_out"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("yes", _("Oui")), ("no", _("Non"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        limit = axes_settings.AXES_FAILURE_LIMIT
        if self.value() == "yes":
            return queryset.filter(failures_since_start__gte=limit)
        if self.value() == "no":
            return queryset.filter(failures_since_start__lt=limit)
        return queryset


class LockoutFailureFilter(_BooleanFilter):
    title = _("verrouillage de l'accès")
    parameter_name = "locked"
    field = "locked_out"


for _model in (AccessAttempt, AxesAccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(SignInAttempt)
class SignInAttemptAdmin(_AxesLabels, AccessAttemptAdmin):
    list_display = [
        "attempt_time",
        "ip_address",
        "browser",
        "username",
        "path_info",
        "failures_since_start",
        "state",
    ]
    list_filter = ["attempt_time", "path_info", LockedOutFilter]
    fieldsets = (
        (None, {"fields": ("username", "path_info", "failures_since_start", "expires")}),
        (_("Données de formulaire"), {"fields": ("get_data", "post_data")}),
        (_("Métadonnées"), {"fields": ("browser", "ip_address", "accept_header")}),
    )
    readonly_fields = [*AccessAttemptAdmin.readonly_fields, "browser", "accept_header", "expires"]
    actions = ["cleanup_expired_attempts"]

    @admin.action(description=_("Supprimer les tentatives expirées"))
    def cleanup_expired_attempts(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(
            request, _("%(count)s tentative(s) expirée(s) supprimée(s).") % {"count": count}
        )

    @admin.display(description=_("expire le"))
    def expires(self, obj: AccessAttempt) -> str:
        if not hasattr(obj, "expiration"):
            return "—"
        return _when(obj.expiration.expires_at)

    @admin.display(description=_("état"))
    def state(self, obj: AccessAttempt) -> str:
        limit = axes_settings.AXES_FAILURE_LIMIT
        if obj.failures_since_start < limit:
            return _("%(left)s essai(s) restant(s)") % {"left": limit - obj.failures_since_start}
        return str(_("verrouillé"))


@admin.register(SignIn)
class SignInAdmin(_AxesLabels, AccessLogAdmin):
    list_display = (
        "attempt_time",
        "logout_time",
        "ip_address",
        "username",
        "browser",
        "path_info",
    )
    fieldsets = (
        (None, {"fields": ("username", "path_info", "attempt_time", "logout_time")}),
        (_("Métadonnées"), {"fields": ("browser", "ip_address", "accept_header")}),
    )
    readonly_fields = [*AccessLogAdmin.readonly_fields, "browser", "accept_header"]


@admin.register(SignInFailure)
class SignInFailureAdmin(_AxesLabels, AccessFailureLogAdmin):
    list_display = (
        "attempt_time",
        "ip_address",
        "username",
        "browser",
        "path_info",
        "locked_out",
    )
    list_filter = ["attempt_time", LockoutFailureFilter, "path_info"]
    fieldsets = (
        (None, {"fields": ("username", "path_info", "attempt_time", "locked_out")}),
        (_("Métadonnées"), {"fields": ("browser", "ip_address", "accept_header")}),
    )
    readonly_fields = [*AccessFailureLogAdmin.readonly_fields, "browser", "accept_header"]
