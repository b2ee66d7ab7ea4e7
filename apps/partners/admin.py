from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from apps.partners.models import (
    Agreement,
    AgreementAlert,
    Partner,
    PartnerContact,
    PartnerMerge,
    SlspPartner,
)


class PartnerContactInline(admin.TabularInline):
    model = PartnerContact
    extra = 0


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "commune", "phone", "email"]
    list_filter = ["type"]
    search_fields = ["name", "normalized_name", "commune"]
    inlines = [PartnerContactInline]


@admin.register(PartnerContact)
class PartnerContactAdmin(admin.ModelAdmin):
    list_display = ["name", "function", "partner", "phone", "email"]
    search_fields = ["name", "partner__name"]
    autocomplete_fields = ["partner"]


@admin.register(SlspPartner)
class SlspPartnerAdmin(admin.ModelAdmin):
    list_display = ["slsp", "partner", "since"]
    autocomplete_fields = ["slsp", "partner"]
    search_fields = ["partner__name", "slsp__official_name"]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["partner", "slsp", "purpose", "start_date", "end_date", "shares_data"]
    list_filter = ["shares_data"]
    search_fields = ["partner__name", "purpose", "slsp__official_name"]
    autocomplete_fields = ["slsp", "partner"]
    filter_horizontal = ["contacts"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by a job or a service, kept as a trace: read here, never edited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


@admin.register(AgreementAlert)
class AgreementAlertAdmin(ReadOnlyAdmin):
    list_display = ["agreement", "threshold_days", "sent_at", "recipients"]


@admin.register(PartnerMerge)
class PartnerMergeAdmin(ReadOnlyAdmin):
    list_display = ["merged_name", "kept", "merged_by", "merged_at"]
