from django.contrib import admin

from apps.accompaniment.models_collective import ActionSession, CollectiveAction


class ActionSessionInline(admin.TabularInline):
    model = ActionSession
    extra = 0
    fields = ["date", "participants", "tenants", "volunteers", "note"]


@admin.register(CollectiveAction)
class CollectiveActionAdmin(admin.ModelAdmin):
    list_display = ["title", "slsp", "kind", "district", "start_date", "end_date"]
    list_filter = ["kind"]
    search_fields = ["title", "district"]
    raw_id_fields = ["slsp"]
    filter_horizontal = ["partners"]
    inlines = [ActionSessionInline]

    def save_formset(self, request, form, formset, change):
        # Sessions carry the action's SLSP (the scoped manager filters on it).
        for session in formset.save(commit=False):
            session.slsp_id = form.instance.slsp_id
            session.save()
        for session in formset.deleted_objects:
            session.delete()


@admin.register(ActionSession)
class ActionSessionAdmin(admin.ModelAdmin):
    list_display = ["action", "date", "participants", "tenants", "volunteers"]
    raw_id_fields = ["action", "slsp"]
