from django.contrib import admin

from apps.accompaniment.models import Consent, FollowUp, Moment, Objective


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["household", "given_on", "covers_follow_up", "expires_on", "withdrawn_on"]
    raw_id_fields = ["household", "recorded_by"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["household", "objective", "opened_on", "closed_on", "outcome"]
    raw_id_fields = ["household", "consent", "opened_by", "relocation_works"]


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["text", "status", "follow_up"]
    list_filter = ["status"]
    raw_id_fields = ["follow_up"]


@admin.register(Moment)
class MomentAdmin(admin.ModelAdmin):
    list_display = ["household", "kind", "date", "duration_minutes", "author"]
    list_filter = ["kind"]
    raw_id_fields = ["household", "follow_up", "author"]
    # Health and violence notes are read only through the logged break-glass page.
    exclude = ["sensitive_note"]
