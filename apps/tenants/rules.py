"""Permissions of households and rental-management imports (staff of the SLSP only)."""

import rules

from apps.accounts.rules import has_slsp_role, is_referent, is_referent_of, is_staff_of

rules.add_perm("tenants.view_households", has_slsp_role)
rules.add_perm("tenants.view_household", is_staff_of)
rules.add_perm("tenants.import_export", is_referent)
rules.add_perm("tenants.import_into", is_referent_of)
