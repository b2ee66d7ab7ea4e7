"""The Django admin manages accounts, roles, the SLSP register and reference data.

It speaks French and holds no tenant's data (see the other apps' admin modules).
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from apps.accounts import invitations
from apps.accounts.forms import InvitationForm
from apps.accounts.models import AccessLog, Invitation, Membership, User, UserSession

admin.site.site_title = _("Administration SLSP Référent")
admin.site.site_header = _("Administration SLSP Référent")
admin.site.index_title = _("Administration SLSP Référent")

# Rights are roles (memberships) checked by django-rules: Django's groups and
# permissions are not used, and their names ("Can add …") are English.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["slsp"]


def _admin(request: HttpRequest) -> User | None:
    """The administrator at work (the admin serves signed-in staff only)."""
    return request.user if isinstance(request.user, User) else None


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    list_filter = ["is_active", "is_staff", "memberships__role"]
    filter_horizontal = ()
    inlines = [MembershipInline]
    actions = ["send_invitation"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name", "language")}),
        (
            _("Droits"),
            {"fields": ("is_active", "is_staff", "is_superuser")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    # No password typed by an administrator: the person is invited by e-mail and
    # chooses it (apps.accounts.invitations), once the roles below are saved.
    add_form = InvitationForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "language"),
                "description": _(
                    "La personne recevra par e-mail un lien pour choisir son mot de passe."
                ),
            },
        ),
    )

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list[Any], change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        if not change:
            invitations.invite(
                form.instance, invited_by=_admin(request), base_url=request.build_absolute_uri("/")
            )
            messages.info(request, _("Une invitation a été envoyée par e-mail."))

    @admin.action(description=_("Envoyer une nouvelle invitation"))
    def send_invitation(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        sent = skipped = 0
        for user in queryset:
            if invitations.can_be_invited(user):
                invitations.invite(
                    user, invited_by=_admin(request), base_url=request.build_absolute_uri("/")
                )
                sent += 1
            else:
                skipped += 1
        if sent:
            messages.success(request, _("Invitations envoyées : %(n)d.") % {"n": sent})
        if skipped:
            messages.warning(
                request,
                _(
                    "Comptes ignorés (désactivés ou ayant déjà un mot de passe) : %(n)d. "
                    "Une personne qui a perdu son mot de passe utilise « Mot de passe oublié »."
                )
                % {"n": skipped},
            )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "slsp"]
    list_filter = ["role"]
    search_fields = ["user__email", "slsp__official_name"]
    autocomplete_fields = ["user", "slsp"]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "slsp", "object_type", "object_id", "view_name"]
    list_filter = ["object_type"]
    date_hierarchy = "at"

    # The access log is append-only: nobody edits or deletes it from the admin.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only trace of who invited whom; invitations are sent from the user pages."""

    list_display = ["user", "invited_by", "created_at", "expires_at", "used_at", "revoked_at"]
    list_select_related = ["user", "invited_by"]
    search_fields = ["user__email"]
    # Never the nonce: with the signing key it would rebuild the link.
    fields = readonly_fields = (
        "user",
        "invited_by",
        "created_at",
        "expires_at",
        "used_at",
        "revoked_at",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    """Read-only: sessions are recorded at sign-in and end with the account."""

    list_display = ["created_at", "user"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    # Never the session key: it is the cookie's value, enough to take over the session.
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A deleted row would leave its session alive when the account is deactivated.
        return False


# French admin screens for django-otp's and django-axes' models.
from apps.accounts import admin_security  # noqa: E402,F401
