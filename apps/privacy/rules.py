"""Permissions of the access log and of a household's data export.

The direction audits its SLSP's access log (référents do not audit colleagues); the
référent or the direction answers a household's request for its data.
"""

import rules

from apps.accounts.rules import is_direction, is_direction_of, is_referent_of

rules.add_perm("privacy.view_access_log", is_direction)
rules.add_perm("privacy.view_access_log_of", is_direction_of)
rules.add_perm("privacy.export_household", is_referent_of | is_direction_of)
