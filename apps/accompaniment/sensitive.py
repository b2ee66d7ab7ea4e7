"""The one rule for sensitive notes (health, violence): who may read one, and why.

Who: `may_read_sensitive(user, obj)`, the django-rules permission
`accompaniment.read_sensitive` (apps/accounts/rules.py): the référents and
accompagnateurs of the record's SLSP; never the direction, a coordinator, a juror or
the technical administrator.
Why: `reveal(request, moments, reason=...)` is the only code that reads the text of a
sensitive note for display or export. It returns the notes the user may read, and
writes one access-log row per note with the reason typed (break glass).

Every other output shows `WITHHELD` (or only the nature of the note, health or
violence) instead: the household page, the export (JSON and PDF) without the option,
the change history (which never copies the text: `SENSITIVE_FIELDS`), the Django admin.
"""

from __future__ import annotations

from collections.abc import Iterable

import rules
from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from apps.accompaniment.models import Moment
from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import User
from apps.accounts.services import log_accesses

READ_SENSITIVE = "accompaniment.read_sensitive"

# Fields that hold the text of a sensitive note: no output but `reveal` may show them
# (the history does not track them, the admin never displays them; tests check both).
SENSITIVE_FIELDS: dict[type, tuple[str, ...]] = {Moment: ("sensitive_note",)}

# What an output shows in place of a note its reader may not (or did not ask to) read.
WITHHELD = _("Note sensible (non incluse)")


def may_read_sensitive(user: User | AnonymousUser, obj: models.Model) -> bool:
    """May `user` read the sensitive notes of `obj` (a moment, or a household, or anything
    with an `slsp_id`), after giving a reason? The single answer for every output."""
    return bool(getattr(user, "is_authenticated", False)) and rules.has_perm(
        READ_SENSITIVE, user, obj
    )


@transaction.atomic
def reveal(
    request: AuthenticatedHttpRequest, moments: Iterable[Moment], *, reason: str
) -> dict[int, str]:
    """The sensitive notes of `moments` that the request's user may read, by moment pk.

    Each note returned is logged as a sensitive read with `reason` (one access-log row per
    note, in one INSERT); notes the user may not read are left out (the caller shows
    `WITHHELD`). The text is read here, in one query, so that callers can load moments
    with `defer("sensitive_note")` and never hold a note they were not given.
    """
    reason = reason.strip()
    if not reason:
        raise ValueError("a sensitive note is revealed only for a reason")
    allowed = [m for m in moments if m.sensitivity and may_read_sensitive(request.user, m)]
    if not allowed:
        return {}
    texts = dict(
        Moment.objects.filter(pk__in=[m.pk for m in allowed]).values_list("pk", "sensitive_note")
    )
    log_accesses(request, allowed, reason=reason)
    return {m.pk: texts.get(m.pk, "") for m in allowed}
