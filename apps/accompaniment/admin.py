"""Nothing of the accompaniment is in the Django admin.

Consents, follow-ups, objectives, moments (and their sensitive notes), referrals,
partner links and collective actions with their sessions are the work of an SLSP's
staff about its tenants: they are read in the application only, scoped to the SLSP and
written to the access log. The technical administrator manages accounts and reference
data, not people (tests/security/test_admin.py checks that none of these models is
registered).
"""
