from django.contrib import admin

from apps.reports.models import ItemEvaluation, RegionalReport, ReportBuild, SemesterReport


class ItemEvaluationInline(admin.StackedInline):
    model = ItemEvaluation
    extra = 0


class ReportBuildInline(admin.TabularInline):
    model = ReportBuild
    extra = 0
    fields = ["status", "progress", "attempts", "size", "created_at", "finished_at", "error"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SemesterReport)
class SemesterReportAdmin(admin.ModelAdmin):
    list_display = ["slsp", "year", "semester", "version", "status", "validated_at"]
    list_filter = ["status", "year", "semester"]
    search_fields = ["slsp__official_name", "slsp__short_name"]
    # Frozen figures are written by the services, never by hand.
    readonly_fields = ["indicators", "computed_at", "validated_by", "validated_at"]
    inlines = [ItemEvaluationInline, ReportBuildInline]


@admin.register(RegionalReport)
class RegionalReportAdmin(admin.ModelAdmin):
    list_display = ["year", "semester", "status", "progress", "slsps_done", "slsp_count"]
    list_filter = ["status", "year"]
    readonly_fields = ["status", "progress", "attempts", "size", "error", "pdf"]
