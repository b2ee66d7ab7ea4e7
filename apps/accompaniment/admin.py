from django.contrib import admin

from apps.accompaniment.models import Consent, FollowUp, Moment


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["household", "given_on", "covers_follow_up", "expires_on", "withdrawn_on"]
    raw_id_fields = ["household", "recorded_by"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["household", "objective", "opened_on", "closed_on", "outcome"]
    raw_id_fields = ["household", "consent", "opened_by"]


@admin.register(Moment)
class MomentAdmin(admin.ModelAdmin):
    list_display = ["household", "kind", "date", "duration_minutes", "author"]
    list_filter = ["kind"]
    raw_id_fields = ["household", "follow_up", "author"]
