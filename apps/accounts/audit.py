"""The audit tables are append-only for the application, so history cannot be rewritten.

`AccessLog` refuses `save()` on an existing row, `delete()` and queryset
`update()`/`delete()`; PostgreSQL refuses UPDATE and DELETE too (trigger of migration
0004), so raw SQL or a bulk update cannot rewrite history either. The one exception is
erasure after the retention period: inside `purging()` the transaction sets
`slsp.purge = 'on'` (SET LOCAL: it ends with the transaction) and the rows about an
erased household are detached (`detach_household`).
"""

from __future__ import annotations

import contextlib

from django.db import connection, transaction

from apps.accounts.models import AccessLog


@contextlib.contextmanager
def purging():
    """A transaction in which the audit triggers let UPDATE and DELETE through."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL slsp.purge = 'on'")
        yield
        # SET LOCAL lasts until the OUTERMOST transaction ends: switch it off as soon as
        # the purge is done, so the caller's transaction is append-only again. (On an
        # exception, rolling back the savepoint undoes the SET LOCAL by itself.)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL slsp.purge = 'off'")


def access_log_about(household_id: int):
    return AccessLog.objects.filter(subject_household=household_id)


def detach_household(household_id: int) -> int:
    """Keep who read what and when, but no longer which household nor why.

    The reason typed before reading a sensitive note may name the person; the path and
    the object id point at records of the household. Returns the number of rows.
    """
    with purging():
        return access_log_about(household_id)._purge_update(
            subject_household=None, object_id="", path="", reason=""
        )
