from django.contrib import admin

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


@admin.register(AgreementAlert)
class AgreementAlertAdmin(admin.ModelAdmin):
    list_display = ["agreement", "threshold_days", "sent_at", "recipients"]


@admin.register(PartnerMerge)
class PartnerMergeAdmin(admin.ModelAdmin):
    list_display = ["merged_name", "kept", "merged_by", "merged_at"]
    readonly_fields = ["kept", "merged_name", "merged_uuid", "moved", "merged_by", "merged_at"]
