from django.contrib import admin

from apps.slsps.models import ReferentPost, Slsp


class ReferentPostInline(admin.TabularInline):
    model = ReferentPost
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Slsp)
class SlspAdmin(admin.ModelAdmin):
    list_display = [
        "official_name",
        "short_name",
        "province",
        "head_office_commune",
        "housing_units",
        "is_demo",
    ]
    list_filter = ["province", "is_demo"]
    search_fields = ["official_name", "short_name", "head_office_commune"]
    inlines = [ReferentPostInline]


@admin.register(ReferentPost)
class ReferentPostAdmin(admin.ModelAdmin):
    list_display = ["slsp", "person", "fte", "annual_funding", "start_date", "end_date"]
    list_filter = ["slsp__province"]
    autocomplete_fields = ["slsp", "person"]
