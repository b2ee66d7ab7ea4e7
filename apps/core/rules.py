"""Permissions of the core pages (django-rules); role predicates live in accounts."""

import rules

rules.add_perm("core.view_home", rules.is_authenticated)
