"""Permissions of individual accompaniment (consents, follow-ups, moments, work lists)."""

import rules

from apps.accounts.rules import can_act_for, has_slsp_role

rules.add_perm("accompaniment.view_work_lists", has_slsp_role)
rules.add_perm("accompaniment.act_for", can_act_for)
rules.add_perm("accompaniment.view_follow_ups", has_slsp_role)
# The week view and the personal calendar feed: an accompagnateur sees their own
# appointments, a référent or a direction those of their SLSP (apps.accompaniment.agenda).
rules.add_perm("accompaniment.view_agenda", has_slsp_role)
# Health and violence notes: only those who accompany, after a logged reason. Outputs do
# not ask this permission directly: they go through apps.accompaniment.sensitive
# (may_read_sensitive, and reveal which logs each note read with its reason).
rules.add_perm("accompaniment.read_sensitive", can_act_for)
