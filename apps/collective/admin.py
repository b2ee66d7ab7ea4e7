"""Nothing of collective actions is in the Django admin: actions and their sessions are
an SLSP's work, read in the application only and scoped to the SLSP
(tests/security/test_admin.py checks that no model of this app is registered)."""
