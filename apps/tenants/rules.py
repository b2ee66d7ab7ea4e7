"""Permissions of households and rental-management imports (staff of the SLSP only)."""

import rules

from apps.accounts.rules import (
    has_slsp_role,
    is_direction,
    is_direction_of,
    is_referent,
    is_referent_of,
    is_staff_of,
)

rules.add_perm("tenants.view_households", has_slsp_role)
rules.add_perm("tenants.view_household", is_staff_of)
rules.add_perm("tenants.import_export", is_referent)
rules.add_perm("tenants.import_into", is_referent_of)
# Renovation works: the référent and the direction of the SLSP create, edit and close them.
rules.add_perm("tenants.manage_works", is_referent | is_direction)
rules.add_perm("tenants.manage_works_of", is_referent_of | is_direction_of)
