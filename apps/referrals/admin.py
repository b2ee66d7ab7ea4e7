"""Nothing of referrals is in the Django admin: referrals, their history and the partner
links name households; they are read in the application only, scoped to the SLSP and
written to the access log (tests/security/test_admin.py checks that no model of this
app is registered)."""
