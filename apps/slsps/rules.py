"""Permissions of the SLSP register, the yearly strategy and the référents' network."""

import rules

from apps.accounts.rules import (
    has_slsp_role,
    is_admin,
    is_coordinator,
    is_referent,
    is_referent_of,
    is_staff_of,
)

rules.add_perm("slsps.view_register", is_coordinator | is_admin)
rules.add_perm("slsps.view_own_slsp", has_slsp_role)
rules.add_perm("slsps.view_slsp", is_staff_of | is_coordinator | is_admin)

# Yearly action strategy: the SLSP's référent writes it, its direction and
# accompagnateurs read it; coordinators see only its titles in the SLSP drill-down.
rules.add_perm("slsps.view_strategies", is_staff_of)
rules.add_perm("slsps.change_strategy", is_referent_of)
# Référents' network: the SWL runs events and records attendance; référents read the
# calendar and write good-practice sheets (object = the sheet's SLSP).
rules.add_perm("slsps.view_network", is_referent | is_coordinator)
rules.add_perm("slsps.manage_network", is_coordinator)
rules.add_perm("slsps.add_good_practice", is_referent)
rules.add_perm("slsps.change_good_practice", is_referent_of)
