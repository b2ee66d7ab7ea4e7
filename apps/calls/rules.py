"""Permissions of the calls for projects and the jury.

A dossier belongs to every applicant SLSP: its predicates read `applicant_slsp_ids()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from apps.accounts.models import Role
from apps.accounts.rules import has_slsp_role, is_coordinator, is_juror, is_referent

if TYPE_CHECKING:
    from apps.accounts.rules import AnyUser
    from apps.calls.models import Dossier


@rules.predicate
def is_referent_of_applicant(user: AnyUser, dossier: Dossier) -> bool:
    return user.is_authenticated and any(
        user.has_role(Role.REFERENT, s) for s in dossier.applicant_slsp_ids()
    )


@rules.predicate
def is_staff_of_applicant(user: AnyUser, dossier: Dossier) -> bool:
    return user.is_authenticated and bool(set(user.slsp_ids()) & set(dossier.applicant_slsp_ids()))


@rules.predicate
def is_direction_of_lead(user: AnyUser, dossier: Dossier) -> bool:
    """The lead SLSP's direction commits it to the project: co-applicants' do not approve."""
    return user.is_authenticated and user.has_role(Role.DIRECTION, dossier.lead_slsp_id)


rules.add_perm("calls.manage_calls", is_coordinator)
rules.add_perm("calls.approve_dossier", is_direction_of_lead)
rules.add_perm("calls.view_calls", has_slsp_role | is_coordinator | is_juror)
rules.add_perm("calls.draft_dossier", is_referent)
rules.add_perm("calls.change_dossier", is_referent_of_applicant)
rules.add_perm("calls.view_dossier", is_staff_of_applicant | is_coordinator | is_juror)
rules.add_perm("calls.view_my_dossiers", has_slsp_role)
rules.add_perm("calls.score", is_juror)
rules.add_perm("calls.view_library", has_slsp_role | is_coordinator)
