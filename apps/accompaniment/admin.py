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


# --- Referrals (issue 4) ---
from apps.accompaniment.models import Referral, ReferralEvent, ReferralLink  # noqa: E402


class ReferralEventInline(admin.TabularInline):
    model = ReferralEvent
    extra = 0
    fields = ["at", "from_status", "to_status", "by_user", "by_link", "note"]
    readonly_fields = fields
    can_delete = False


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["household", "partner", "status", "proposed_at", "sent_at", "answered_at"]
    list_filter = ["status"]
    raw_id_fields = ["follow_up", "household", "partner", "agreement", "created_by"]
    inlines = [ReferralEventInline]


@admin.register(ReferralLink)
class ReferralLinkAdmin(admin.ModelAdmin):
    """Links are listed for audit; the nonce is never shown (it would rebuild a token)."""

    list_display = ["referral", "purpose", "recipient_email", "created_at", "expires_at", "used_at"]
    exclude = ["nonce"]
    raw_id_fields = ["referral"]
    readonly_fields = ["used_at", "revoked_at", "expires_at"]


# Registers the collective-action models.
from apps.accompaniment import admin_collective  # noqa: E402,F401
