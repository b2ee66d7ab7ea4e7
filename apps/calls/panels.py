"""Home-page panels of the calls app."""

import rules
from django.db.models import Count, Q

from apps.calls import queries, services
from apps.calls.models import Assignment, CallStatus


def coordinator(request):
    if not rules.has_perm("calls.manage_calls", request.user):
        return None
    return {"calls": list(queries.calls_for(request.user).order_by("-opens_at")[:5])}


def referent(request):
    user = request.user
    if not user.slsp_ids():
        return None
    open_calls = [
        c
        for c in queries.calls_for(user)
        .filter(status=CallStatus.OPEN)
        .order_by("closes_at")
        .only("uuid", "title", "status", "opens_at", "closes_at")[:5]
        if services.is_open_for_submission(c)
    ]
    return {"open_calls": open_calls, "dossiers": queries.my_dossiers(user).count()}


def juror(request):
    if not rules.has_perm("calls.score", request.user):
        return None
    counts = (
        queries.assignments_for(request.user)
        .exclude(conflict=Assignment.Conflict.CONFLICT)
        .aggregate(total=Count("pk"), todo=Count("pk", filter=Q(status=Assignment.Status.DRAFT)))
    )
    return counts
