"""The accompaniment part of the household page (registered on the tenants page)."""

import rules

from apps.accompaniment import queries
from apps.accompaniment.forms import (
    CloseFollowUpForm,
    ConsentForm,
    FollowUpForm,
    MomentForm,
    ObjectiveStatusForm,
)

TIMELINE_LIMIT = 200


def timeline(moments, follow_ups) -> list[dict]:
    """Moments, openings and closings of follow-ups, newest first."""
    events = [{"kind": "moment", "date": m.date, "item": m} for m in moments]
    for follow_up in follow_ups:
        events.append({"kind": "opened", "date": follow_up.opened_on, "item": follow_up})
        if follow_up.closed_on:
            events.append({"kind": "closed", "date": follow_up.closed_on, "item": follow_up})
    # Stable sort: within a day, moments (already newest first) come before follow-up events.
    return sorted(events, key=lambda e: e["date"], reverse=True)


def household_accompaniment(request, household):
    user = request.user
    follow_ups = list(queries.follow_ups_of(household))
    moments = list(queries.moments_of(household)[:TIMELINE_LIMIT])
    can_act = rules.has_perm("accompaniment.act_for", user, household)
    partners = queries.network_partners(user, household) if can_act else None
    return {
        "household": household,
        "consents": list(queries.consents_of(household)),
        "follow_ups": follow_ups,
        "timeline": timeline(moments, follow_ups),
        "truncated": len(moments) == TIMELINE_LIMIT,
        "can_act": can_act,
        "can_read_sensitive": rules.has_perm("accompaniment.read_sensitive", user, household),
        "moment_form": MomentForm(follow_ups=follow_ups, partners=partners) if can_act else None,
        "follow_up_form": FollowUpForm(works=queries.works_of(household)) if can_act else None,
        "close_form": CloseFollowUpForm() if can_act else None,
        "objective_form": ObjectiveStatusForm() if can_act else None,
        "consent_form": ConsentForm(partners=partners) if can_act else None,
    }
