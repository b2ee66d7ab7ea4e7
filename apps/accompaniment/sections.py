"""The accompaniment part of the household page (registered on the tenants page)."""

import rules

from apps.accompaniment import queries
from apps.accompaniment.forms import CloseFollowUpForm, ConsentForm, FollowUpForm, MomentForm
from apps.partners.queries import partners_for


def household_accompaniment(request, household):
    follow_ups = list(queries.follow_ups_of(household))
    can_act = rules.has_perm("accompaniment.act_for", request.user, household)
    return {
        "household": household,
        "consents": list(queries.consents_of(household)),
        "follow_ups": follow_ups,
        "moments": list(queries.moments_of(household)[:200]),
        "can_act": can_act,
        "moment_form": MomentForm(follow_ups=follow_ups) if can_act else None,
        "follow_up_form": FollowUpForm() if can_act else None,
        "close_form": CloseFollowUpForm() if can_act else None,
        "consent_form": ConsentForm(partners=partners_for(request.user)) if can_act else None,
    }
