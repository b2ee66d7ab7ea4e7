"""Permissions of individual accompaniment (consents, follow-ups, moments, work lists)."""

import rules

from apps.accounts.rules import can_act_for, has_slsp_role, is_direction_of, is_staff_of

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


@rules.predicate
def is_moment_author(user: object, moment: object) -> bool:
    return getattr(moment, "author_id", None) == getattr(user, "pk", None)


# A moment is corrected or deleted by its author (while they still accompany in that
# SLSP) or by the SLSP's direction, always with a reason kept in the history.
rules.add_perm("accompaniment.correct_moment", (is_moment_author & can_act_for) | is_direction_of)

# Documents joined to consents, follow-ups and moments: whoever sees the household page
# downloads them (the direction reads); those who accompany add and delete them.
rules.add_perm("accompaniment.view_attachment", is_staff_of)
rules.add_perm("accompaniment.manage_attachments", can_act_for)
