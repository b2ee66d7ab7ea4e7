from django.contrib import admin

from apps.tenants.models import (
    Household,
    HousingUnit,
    ImportJob,
    Member,
    RenovationWorks,
    Tenancy,
)


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0


class TenancyInline(admin.TabularInline):
    model = Tenancy
    extra = 0
    raw_id_fields = ["unit"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["reference", "display_name", "slsp", "size"]
    list_filter = ["slsp"]
    search_fields = ["reference", "display_name"]
    inlines = [MemberInline, TenancyInline]


@admin.register(HousingUnit)
class HousingUnitAdmin(admin.ModelAdmin):
    list_display = ["address", "postal_code", "commune", "district", "category", "slsp"]
    list_filter = ["category", "slsp"]
    search_fields = ["address", "commune", "district"]


@admin.register(Tenancy)
class TenancyAdmin(admin.ModelAdmin):
    list_display = ["household", "unit", "start_date", "end_date", "category", "accompanied"]
    list_filter = ["category", "accompanied"]
    raw_id_fields = ["household", "unit"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "slsp", "status", "created_at", "applied_at"]
    exclude = ["data"]


@admin.register(RenovationWorks)
class RenovationWorksAdmin(admin.ModelAdmin):
    list_display = ["name", "slsp", "kind", "district", "start_date", "end_date"]
    list_filter = ["kind"]
    raw_id_fields = ["units"]
