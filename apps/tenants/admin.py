"""Only the housing stock is in the Django admin.

Households, members, tenancies and uploaded rental-management exports are personal data:
they are read and changed in the application, where every read is scoped and logged,
never in the admin.
"""

from django.contrib import admin

from apps.tenants.models import HousingUnit, RenovationWorks


@admin.register(HousingUnit)
class HousingUnitAdmin(admin.ModelAdmin):
    list_display = ["address", "postal_code", "commune", "district", "category", "slsp"]
    list_filter = ["category", "slsp"]
    search_fields = ["address", "commune", "district"]


@admin.register(RenovationWorks)
class RenovationWorksAdmin(admin.ModelAdmin):
    list_display = ["name", "slsp", "kind", "district", "start_date", "end_date"]
    list_filter = ["kind"]
    raw_id_fields = ["units"]
