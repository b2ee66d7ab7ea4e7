from django.contrib import admin

from apps.slsps.models import (
    ActionStrategy,
    Attendance,
    GoodPracticeSheet,
    NetworkEvent,
    ReferentPost,
    Slsp,
    StrategyItem,
)


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


# --- Action strategy and the référents' network ---


class StrategyItemInline(admin.TabularInline):
    model = StrategyItem
    extra = 0
    fields = ["kind", "title", "description", "order"]


@admin.register(ActionStrategy)
class ActionStrategyAdmin(admin.ModelAdmin):
    list_display = ["slsp", "year", "updated_at"]
    list_filter = ["year", "slsp__province"]
    search_fields = ["slsp__official_name", "summary"]
    autocomplete_fields = ["slsp"]
    inlines = [StrategyItemInline]

    def save_formset(self, request, form, formset, change):
        # Items carry the strategy's SLSP for the scoped manager.
        items = formset.save(commit=False)
        for item in formset.deleted_objects:
            item.delete()
        for item in items:
            item.slsp = form.instance.slsp
            item.save()
        formset.save_m2m()


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["person", "slsp"]


@admin.register(NetworkEvent)
class NetworkEventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "date", "place"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["title", "place"]
    inlines = [AttendanceInline]


@admin.register(GoodPracticeSheet)
class GoodPracticeSheetAdmin(admin.ModelAdmin):
    list_display = ["title", "slsp", "domain", "published", "updated_at"]
    list_filter = ["published", "domain"]
    search_fields = ["title", "summary", "slsp__official_name"]
    autocomplete_fields = ["slsp", "created_by"]
