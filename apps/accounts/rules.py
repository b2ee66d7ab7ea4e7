"""Every permission of the product, in one place (django-rules).

Object-level predicates receive the object and read `obj.slsp_id` (or the SLSP
itself), so this module imports no model from the apps it protects.
"""

import rules

from apps.accounts.models import Role


def _slsp_id(obj):
    if obj is None:
        return None
    return getattr(obj, "slsp_id", None) or getattr(obj, "pk", None)


@rules.predicate
def is_coordinator(user):
    return user.is_authenticated and user.has_role(Role.COORDINATEUR)


@rules.predicate
def is_admin(user):
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.ADMIN))


@rules.predicate
def is_juror(user):
    return user.is_authenticated and user.has_role(Role.JURY)


@rules.predicate
def has_slsp_role(user):
    return user.is_authenticated and bool(user.slsp_ids())


@rules.predicate
def is_referent(user):
    return user.is_authenticated and user.has_role(Role.REFERENT)


@rules.predicate
def is_staff_of(user, obj):
    """Référent, accompagnateur or direction of the object's SLSP."""
    slsp_id = _slsp_id(obj)
    return user.is_authenticated and slsp_id is not None and slsp_id in user.slsp_ids()


@rules.predicate
def is_referent_of(user, obj):
    slsp_id = _slsp_id(obj)
    return user.is_authenticated and user.has_role(Role.REFERENT, slsp_id)


@rules.predicate
def is_direction_of(user, obj):
    slsp_id = _slsp_id(obj)
    return user.is_authenticated and user.has_role(Role.DIRECTION, slsp_id)


# --- Home and register ---
rules.add_perm("core.view_home", rules.is_authenticated)
rules.add_perm("slsps.view_register", is_coordinator | is_admin)
rules.add_perm("slsps.view_own_slsp", has_slsp_role)
rules.add_perm("slsps.view_slsp", is_staff_of | is_coordinator | is_admin)
rules.add_perm("admin.access", is_admin)


# --- tenants and individual accompaniment (issue 3) ---
rules.add_perm("tenants.view_households", has_slsp_role)
rules.add_perm("tenants.view_household", is_staff_of)
rules.add_perm("tenants.import_export", is_referent)
rules.add_perm("tenants.import_into", is_referent_of)
rules.add_perm("accompaniment.view_work_lists", has_slsp_role)
# Référents and accompagnateurs act; the direction reads.
can_act_for = is_referent_of | rules.predicate(
    lambda user, obj: user.is_authenticated and user.has_role("accompagnateur", _slsp_id(obj))
)
rules.add_perm("accompaniment.act_for", can_act_for)
rules.add_perm("accompaniment.view_follow_ups", has_slsp_role)
# Health and violence notes: only those who accompany, after a logged reason. Outputs do
# not ask this permission directly: they go through apps.accompaniment.sensitive
# (may_read_sensitive, and reveal which logs each note read with its reason).
rules.add_perm("accompaniment.read_sensitive", can_act_for)


# --- partners, agreements, referrals, collective actions (issue 4) ---
# The directory is regional (organisations, never tenants): every SLSP's staff and the
# coordinators read it; jurors do not. Agreements belong to one SLSP.
@rules.predicate
def is_direction(user):
    return user.is_authenticated and user.has_role(Role.DIRECTION)


can_read_directory = has_slsp_role | is_coordinator | is_admin
rules.add_perm("partners.view_directory", can_read_directory)
rules.add_perm("partners.view_partner", can_read_directory)
rules.add_perm("partners.add_partner", is_referent | is_coordinator)
rules.add_perm("partners.change_partner", is_referent | is_coordinator)
rules.add_perm("partners.change_partnercontact", is_referent | is_coordinator)
rules.add_perm("partners.merge_partners", is_coordinator)
# Linking a partner to a network: object = the SLSP (or a link), référent of that SLSP.
rules.add_perm("partners.link_partner", is_referent)
rules.add_perm("partners.link_partner_to", is_referent_of)
rules.add_perm("partners.view_agreements", has_slsp_role)
rules.add_perm("partners.view_agreement", is_staff_of)
rules.add_perm("partners.add_agreement", is_referent)
rules.add_perm("partners.change_agreement", is_referent_of)
rules.add_perm("partners.view_agreement_document", is_staff_of)
rules.add_perm("partners.view_expiring_agreements", is_referent | is_direction)


# Collective actions: référents and accompagnateurs run them, the direction reads them;
# coordinators see only the regional count, jurors nothing.
@rules.predicate
def is_accompagnateur(user):
    return user.is_authenticated and user.has_role(Role.ACCOMPAGNATEUR)


rules.add_perm("accompaniment.view_collective_actions", has_slsp_role)
rules.add_perm("accompaniment.view_collective_action", is_staff_of)
rules.add_perm("accompaniment.add_collective_action", is_referent | is_accompagnateur)
rules.add_perm("accompaniment.change_collective_action", can_act_for)


# Referrals: those who accompany refer (object = follow-up or referral), the direction
# reads; the network view (counts, no person) is also open to coordinators.
rules.add_perm("accompaniment.view_referrals", has_slsp_role)
rules.add_perm("accompaniment.view_referral", is_staff_of)
rules.add_perm("accompaniment.refer", can_act_for)
rules.add_perm("accompaniment.view_network", has_slsp_role | is_coordinator)
rules.add_perm("accompaniment.view_slsp_network", is_staff_of | is_coordinator)


# --- calls for projects and jury (issue 5) ---
# A dossier belongs to every applicant SLSP: predicates read `applicant_slsp_ids()`.
@rules.predicate
def is_referent_of_applicant(user, dossier):
    return user.is_authenticated and any(
        user.has_role(Role.REFERENT, s) for s in dossier.applicant_slsp_ids()
    )


@rules.predicate
def is_staff_of_applicant(user, dossier):
    return user.is_authenticated and bool(set(user.slsp_ids()) & set(dossier.applicant_slsp_ids()))


rules.add_perm("calls.manage_calls", is_coordinator)
rules.add_perm("calls.view_calls", has_slsp_role | is_coordinator | is_juror)
rules.add_perm("calls.draft_dossier", is_referent)
rules.add_perm("calls.change_dossier", is_referent_of_applicant)
rules.add_perm("calls.view_dossier", is_staff_of_applicant | is_coordinator | is_juror)
rules.add_perm("calls.view_my_dossiers", has_slsp_role)
rules.add_perm("calls.score", is_juror)
rules.add_perm("calls.view_library", has_slsp_role | is_coordinator)

# --- reports and the SWL regional view (issue 6) ---
rules.add_perm("reports.view_region", is_coordinator | is_admin)
# Semestrial reports: the SLSP's staff read them, its référent asks for them and writes
# the evaluation (object = the SLSP or a report), its direction validates.
rules.add_perm("reports.view_semester_reports", has_slsp_role)
rules.add_perm("reports.view_semester_report", is_staff_of)
rules.add_perm("reports.write_semester_report", is_referent_of)
rules.add_perm("reports.validate_semester_report", is_direction_of)
rules.add_perm("reports.build_regional_report", is_coordinator)

# --- data-subject rights and the access log (issue 8) ---
# The direction audits its SLSP's access log (référents do not audit colleagues);
# the référent or the direction answers a household's request for its data.
rules.add_perm("privacy.view_access_log", is_direction)
rules.add_perm("privacy.view_access_log_of", is_direction_of)
rules.add_perm("privacy.export_household", is_referent_of | is_direction_of)

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
