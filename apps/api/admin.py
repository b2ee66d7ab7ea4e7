"""Service accounts and their tokens in the Django admin (the administrator manages
accounts). A token's secret is shown once, on the page that follows its creation; the
admin never shows it again, and tokens are revoked, never deleted (their trace stays)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.api import services
from apps.api.models import ApiScope, ApiToken, ServiceAccount


class ServiceAccountForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Portées"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ServiceAccount
        fields = ["name", "slsp", "scopes", "is_active"]


class ApiTokenInline(admin.TabularInline):
    model = ApiToken
    extra = 0
    can_delete = False
    fields = ("prefix", "created_by", "created_at", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ServiceAccount)
class ServiceAccountAdmin(admin.ModelAdmin):
    form = ServiceAccountForm
    list_display = ["name", "slsp", "scope_list", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "slsp__official_name"]
    autocomplete_fields = ["slsp"]
    inlines = [ApiTokenInline]

    @admin.display(description=_("Portées"))
    def scope_list(self, obj: ServiceAccount) -> str:
        return ", ".join(obj.scopes)


class ApiTokenAddForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["account", "expires_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["__str__", "account", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["account"]
    search_fields = ["prefix", "account__name"]
    actions = ["revoke"]

    def get_form(
        self, request: HttpRequest, obj: Any | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["account", "expires_at"]
        return ["account", "prefix", "created_by", "created_at", "expires_at", "revoked_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return ["account", "prefix", "created_by", "created_at", "expires_at", "revoked_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
            # Kept on the request only, for the page that follows: never stored.
            request._api_token_text = services.new_secret(obj)  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def response_add(
        self, request: HttpRequest, obj: ApiToken, post_url_continue: str | None = None
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "token": obj,
            "text": request._api_token_text,  # type: ignore[attr-defined]
            "title": _("Jeton créé"),
        }
        return TemplateResponse(request, "api/admin/token_created.html", context)

    @admin.action(description=_("Révoquer les jetons sélectionnés"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.revoke_token(token)
            count += 1
        self.message_user(
            request,
            _("%(n)s jeton(s) révoqué(s) le %(at)s.")
            % {"n": count, "at": timezone.localtime().strftime("%d/%m/%Y %H:%M")},
            messages.SUCCESS,
        )
