"""Permissions of collective actions: référents and accompagnateurs run them, the
direction reads them; coordinators see only the regional count, jurors nothing."""

import rules

from apps.accounts.rules import (
    can_act_for,
    has_slsp_role,
    is_accompagnateur,
    is_referent,
    is_staff_of,
)

rules.add_perm("collective.view_collective_actions", has_slsp_role)
rules.add_perm("collective.view_collective_action", is_staff_of)
rules.add_perm("collective.add_collective_action", is_referent | is_accompagnateur)
rules.add_perm("collective.change_collective_action", can_act_for)
