"""Trigger-based change history (django-pghistory) of the records that matter in an audit.

The event models live here, not in the tracked apps: the lower apps stay unaware of
their history (DESIGN.md §3) and their migrations untouched. The triggers are written
by PostgreSQL, so bulk updates and raw SQL are recorded too. Event tables are
append-only (a trigger refuses UPDATE and DELETE); only the retention job may purge,
inside `pgtrigger.ignore` (see `apps.audit.services.purge_history`).

Each tracker snapshots an explicit list of fields: a field added later to a tracked
model does not silently change what the history holds.
"""

import pghistory
from django.core.exceptions import ImproperlyConfigured

from apps.accompaniment.models import Consent, FollowUp, Moment
from apps.accompaniment.sensitive import SENSITIVE_FIELDS
from apps.calls.models import Dossier, Score
from apps.partners.models import Agreement
from apps.referrals.models import Referral


def _track(model, fields):
    # The history is shown to readers who may not read sensitive notes (and kept for
    # years, append-only): it never holds their text.
    if set(fields) & set(SENSITIVE_FIELDS.get(model, ())):
        raise ImproperlyConfigured(f"{model.__name__}: the history may not copy a sensitive note")
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        fields=fields,
        app_label="audit",
        model_name=f"{model.__name__}History",
        append_only=True,
        obj_field=pghistory.ObjForeignKey(related_name="history"),
    )(model)


TRACKED = {
    Consent: [
        "slsp",
        "household",
        "given_on",
        "recorded_by",
        "covers_follow_up",
        "expires_on",
        "withdrawn_on",
        "note",
    ],
    FollowUp: [
        "slsp",
        "household",
        "consent",
        "domains",
        "objective",
        "opened_on",
        "opened_by",
        "closed_on",
        "outcome",
        "arrears_stage",
        "arrears_amount",
    ],
    Moment: [
        "slsp",
        "household",
        "follow_up",
        "kind",
        "date",
        "duration_minutes",
        "author",
        "note",
        "sensitivity",
    ],
    Referral: [
        "slsp",
        "follow_up",
        "partner",
        "agreement",
        "reason",
        "status",
        "sent_at",
        "answered_at",
        "closed_at",
        "outcome",
    ],
    Agreement: [
        "slsp",
        "partner",
        "purpose",
        "start_date",
        "end_date",
        "shares_data",
        "shared_data",
        "response_days",
    ],
    Score: ["assignment", "criterion", "value", "comment"],
    # Who approved a dossier for submission, and when the approval was withdrawn.
    Dossier: ["lead_slsp", "title", "requested_amount", "status", "approved_by", "approved_at"],
}

for _model, _fields in TRACKED.items():
    _track(_model, _fields)
