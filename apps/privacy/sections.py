"""The privacy part of the household page: export link and this household's access log."""

import rules


def household_privacy(request, household):
    can_export = rules.has_perm("privacy.export_household", request.user, household)
    can_audit = rules.has_perm("privacy.view_access_log_of", request.user, household)
    if not (can_export or can_audit):
        return None
    return {"household": household, "can_export": can_export, "can_audit": can_audit}
