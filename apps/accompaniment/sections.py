"""The accompaniment part of the household page (registered on the tenants page)."""

import rules

from apps.accompaniment import queries
from apps.accompaniment.forms import (
    CloseFollowUpForm,
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
    # The network (about 50 partners) is given to the moment form as plain choices: the
    # "no partner" notice then needs no second query. The consent and follow-up forms
    # are on their own pages (views.consent_form, views.follow_up_form).
    partner_choices = [(p.pk, str(p)) for p in partners] if can_act else []
    moment_form = None
    if can_act:
        moment_form = MomentForm(follow_ups=follow_ups, partners=partners)
        moment_form.fields["partners"].choices = partner_choices
    return {
        "household": household,
        "consents": list(queries.consents_of(household)),
        "follow_ups": follow_ups,
        "timeline": timeline(moments, follow_ups),
        "truncated": len(moments) == TIMELINE_LIMIT,
        "can_act": can_act,
        "can_read_sensitive": rules.has_perm("accompaniment.read_sensitive", user, household),
        "moment_form": moment_form,
        "has_partners": bool(partner_choices),
        # The same select goes in every open follow-up and every objective: rendered once
        # here rather than once per row (a household may have dozens of objectives).
        "close_select": str(CloseFollowUpForm()["outcome"]) if can_act else "",
        "objective_select": str(ObjectiveStatusForm()["status"]) if can_act else "",
    }
