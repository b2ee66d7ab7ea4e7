"""The Django admin manages accounts, roles, the SLSP register and reference data.

It speaks French and holds no tenant's data (see the other apps' admin modules).
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import AccessLog, Membership, User, UserSession

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


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    list_filter = ["is_active", "is_staff", "memberships__role"]
    filter_horizontal: tuple[str, ...] = ()
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name")}),
        (
            _("Droits"),
            {"fields": ("is_active", "is_staff", "is_superuser")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


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
