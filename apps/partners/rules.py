"""Permissions of the partner directory and the agreements.

The directory is regional (organisations, never tenants): every SLSP's staff and the
coordinators read it; jurors do not. Agreements belong to one SLSP.
"""

import rules

from apps.accounts.rules import (
    has_slsp_role,
    is_admin,
    is_coordinator,
    is_direction,
    is_referent,
    is_referent_of,
    is_staff_of,
)

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
