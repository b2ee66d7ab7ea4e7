"""Permissions of the semestrial reports and of the SWL's regional view."""

import rules

from apps.accounts.rules import (
    has_slsp_role,
    is_admin,
    is_coordinator,
    is_direction_of,
    is_referent_of,
    is_staff_of,
)

rules.add_perm("reports.view_region", is_coordinator | is_admin)
# Semestrial reports: the SLSP's staff read them, its référent asks for them and writes
# the evaluation (object = the SLSP or a report), its direction validates.
rules.add_perm("reports.view_semester_reports", has_slsp_role)
rules.add_perm("reports.view_semester_report", is_staff_of)
rules.add_perm("reports.write_semester_report", is_referent_of)
rules.add_perm("reports.validate_semester_report", is_direction_of)
rules.add_perm("reports.build_regional_report", is_coordinator)
