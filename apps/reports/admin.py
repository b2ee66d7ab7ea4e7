"""Semestrial and regional reports are not in the Django admin.

A validated report is frozen and versioned by the services; building, validating and
retrying happen in the application, which checks the SLSP scope and the role.
"""
