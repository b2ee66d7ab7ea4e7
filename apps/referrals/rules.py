"""Permissions of referrals: those who accompany refer (object = follow-up, household or
referral), the direction reads; the network view (counts, no person) is also open to
coordinators."""

import rules

from apps.accounts.rules import can_act_for, has_slsp_role, is_coordinator, is_staff_of

rules.add_perm("referrals.view_referrals", has_slsp_role)
rules.add_perm("referrals.view_referral", is_staff_of)
rules.add_perm("referrals.refer", can_act_for)
rules.add_perm("referrals.view_network", has_slsp_role | is_coordinator)
rules.add_perm("referrals.view_slsp_network", is_staff_of | is_coordinator)
