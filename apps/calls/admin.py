from django.contrib import admin

from apps.calls.models import (
    Action,
    Assignment,
    Attachment,
    BudgetLine,
    Call,
    Criterion,
    Decision,
    Dossier,
    DossierApplicant,
    DossierVersion,
    Score,
)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "opens_at", "closes_at", "total_budget"]
    list_filter = ["status"]
    search_fields = ["title"]
    inlines = [CriterionInline]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["label", "call", "weight", "scale_min", "scale_max", "counts"]
    list_filter = ["counts"]


class ApplicantInline(admin.TabularInline):
    model = DossierApplicant
    extra = 0
    autocomplete_fields = ["slsp"]


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["title", "call", "lead_slsp", "status", "requested_amount", "submitted_at"]
    list_filter = ["status", "call"]
    search_fields = ["title"]
    autocomplete_fields = ["lead_slsp"]
    filter_horizontal = ["partners"]
    inlines = [ApplicantInline, ActionInline, BudgetLineInline]


@admin.register(DossierApplicant)
class DossierApplicantAdmin(admin.ModelAdmin):
    list_display = ["dossier", "slsp", "is_lead"]
    autocomplete_fields = ["slsp"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "dossier", "individual", "collective"]


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = ["label", "dossier", "amount"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["title", "dossier", "size", "uploaded_at"]


@admin.register(DossierVersion)
class DossierVersionAdmin(admin.ModelAdmin):
    list_display = ["dossier", "number", "submitted_at"]
    readonly_fields = ["snapshot"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["dossier", "juror", "conflict", "status", "submitted_at"]
    list_filter = ["conflict", "status"]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["assignment", "criterion", "value"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["dossier", "outcome", "granted_amount", "decided_at"]
    list_filter = ["outcome"]
