from django.contrib import admin

from apps.audit.models import TRACKED
from apps.audit.services import history_model


class HistoryAdmin(admin.ModelAdmin):
    """Read-only: the history is written by PostgreSQL triggers, never by hand."""

    list_display = ["pgh_created_at", "pgh_label", "pgh_obj_id", "pgh_context_id"]
    list_filter = ["pgh_label"]
    date_hierarchy = "pgh_created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for _model in TRACKED:
    admin.site.register(history_model(_model), HistoryAdmin)
