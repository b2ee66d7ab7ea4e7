"""The change history is not in the Django admin.

Its rows copy consents, follow-ups, moment notes and referral reasons: personal data
that are read only through the application's logged views. Agreements' and jury
scores' histories stay in the database for audits run by hand.
"""
