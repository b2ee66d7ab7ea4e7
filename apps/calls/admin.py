"""Calls in the Django admin: reference data of the calls, never a juror's review.

A submitted review (the assignment and its scores) is read-only for everyone here, and
nothing that would delete it in cascade (its criterion, its dossier) can be deleted
or edited once scores were handed in: blind review stays what the jurors wrote.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

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


def _has_submitted_scores(scores: QuerySet[Score]) -> bool:
    return scores.filter(assignment__status=Assignment.Status.SUBMITTED).exists()


class NoBulkDeleteMixin:
    """The changelist's "delete selected" would bypass the per-object checks below."""

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)  # type: ignore[misc]
        actions.pop("delete_selected", None)
        return actions


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0

    def has_change_permission(self, request: HttpRequest, obj: Call | None = None) -> bool:
        # Weights and scales of a call whose reviews were handed in are part of them.
        return obj is None or not _has_submitted_scores(Score.objects.filter(criterion__call=obj))

    def has_delete_permission(self, request: HttpRequest, obj: Call | None = None) -> bool:
        return self.has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Call | None = None) -> bool:
        return self.has_change_permission(request, obj)


@admin.register(Call)
class CallAdmin(NoBulkDeleteMixin, admin.ModelAdmin):
    list_display = ["title", "status", "opens_at", "closes_at", "total_budget"]
    list_filter = ["status"]
    search_fields = ["title"]
    inlines = [CriterionInline]


@admin.register(Criterion)
class CriterionAdmin(NoBulkDeleteMixin, admin.ModelAdmin):
    list_display = ["label", "call", "weight", "scale_min", "scale_max", "counts"]
    list_filter = ["counts"]

    def has_change_permission(self, request: HttpRequest, obj: Criterion | None = None) -> bool:
        return obj is None or not _has_submitted_scores(obj.scores.all())

    def has_delete_permission(self, request: HttpRequest, obj: Criterion | None = None) -> bool:
        return self.has_change_permission(request, obj)


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
class DossierAdmin(NoBulkDeleteMixin, admin.ModelAdmin):
    list_display = ["title", "call", "lead_slsp", "status", "requested_amount", "submitted_at"]
    list_filter = ["status", "call"]
    search_fields = ["title"]
    autocomplete_fields = ["lead_slsp"]
    filter_horizontal = ["partners"]
    inlines = [ApplicantInline, ActionInline, BudgetLineInline]

    def has_delete_permission(self, request: HttpRequest, obj: Dossier | None = None) -> bool:
        # Deleting the dossier would delete its jurors' reviews with it.
        return obj is None or not _has_submitted_scores(
            Score.objects.filter(assignment__dossier=obj)
        )


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
    """Versions are the dossier as submitted: frozen, written by the submission only."""

    list_display = ["dossier", "number", "submitted_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: DossierVersion | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: DossierVersion | None = None
    ) -> bool:
        return False


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    readonly_fields = ("criterion", "value", "comment")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Assignment | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Assignment | None = None) -> bool:
        return False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Jurors are assigned and review in the application (conflict checks, phases): the
    admin only reads. Reverting a status or deleting a review would let it be rewritten."""

    list_display = ["dossier", "juror", "conflict", "status", "submitted_at"]
    list_filter = ["conflict", "status"]
    inlines = [ScoreInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Assignment | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Assignment | None = None) -> bool:
        return False


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    """Scores are written by the juror's scoring form only: read-only for everyone here."""

    list_display = ["assignment", "criterion", "value"]
    list_select_related = ["assignment", "criterion"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Score | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Score | None = None) -> bool:
        return False


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["dossier", "outcome", "granted_amount", "decided_at"]
    list_filter = ["outcome"]
