"""Erasure after the retention period (GDPR storage limitation, SECURITY.md "Retention").

A household whose last tenancy ended more than RETENTION_YEARS years ago keeps its rows
(so every count per SLSP, kind and domain stays the same) but loses what identifies or
describes a person: member names and birth years, the household's name, the tenancy
reference (replaced by a keyed hash, still unique per SLSP), free texts of consents,
follow-ups, objectives and moments, sensitive notes, referral texts, the documents
attached to consents, follow-ups and moments (rows and stored files), and the reason and
ids of the access log rows about it. Celery results that mention the household are
forgotten. An `Erasure` row makes the job idempotent.

Exports are built per request and never stored (apps/privacy/export.py), so there is no
stored export file to delete; the stored import files are purged by age
(`purge_import_files`).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.accompaniment import attachments
from apps.accompaniment import services as accompaniment
from apps.accompaniment.models import (
    Consent,
    FollowUp,
    Moment,
    Objective,
)
from apps.accounts import audit
from apps.privacy import queries
from apps.privacy.models import Erasure
from apps.referrals.models import Referral, ReferralEvent, ReferralLinkUse
from apps.tenants.models import Household, ImportChange, ImportJob, Member, Tenancy
from apps.tenants.services import forget_import_changes

logger = logging.getLogger("apps.privacy")

ERASED_NAME = ""


def pseudonym(slsp_id: int, reference: str) -> str:
    """A keyed hash of the reference: stable and unique per SLSP, not reversible without
    the SECRET_KEY (and the SLSP's own rental files)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{slsp_id}:{reference}".encode(), hashlib.sha256
    ).hexdigest()
    return f"eff-{digest[:32]}"


def _erase_referrals(household: Household) -> int:
    """The reason, the partner's and the référent's comments go; partner, status, dates
    and the categories of shared data stay (indicators of the network)."""
    referrals = Referral.objects.filter(household=household)
    ReferralEvent.objects.filter(referral__in=referrals).update(note="")
    ReferralLinkUse.objects.filter(link__referral__in=referrals).update(detail="")
    return referrals.update(reason="", outcome_note="", answer_note="")


def _erase_history(household: Household) -> int:
    """The change history (apps/audit, django-pghistory) keeps old copies of the texts:
    delete it for every record of the household, after the updates above (which wrote
    history rows of their own)."""
    from apps.audit import services as history

    deleted = 0
    for model, rows in (
        (Consent, Consent.objects.filter(household=household)),
        (FollowUp, FollowUp.objects.filter(household=household)),
        (Moment, Moment.objects.filter(household=household)),
        (Referral, Referral.objects.filter(household=household)),
    ):
        deleted += history.erase_history(model, rows.values_list("pk", flat=True))
    return deleted


def forget_task_results(household_uuid: str) -> int:
    """Delete the Celery results (Redis) that mention the household's UUID."""
    from celery.backends.base import BaseKeyValueStoreBackend

    from slsp_referent.celery import app

    backend = app.backend
    client = getattr(backend, "client", None)
    if client is None or not isinstance(backend, BaseKeyValueStoreBackend):
        return 0
    needle = str(household_uuid).encode()
    pattern = backend.get_key_for_task("*")
    forgotten = 0
    for key in client.scan_iter(match=pattern, count=500):
        value = client.get(key)
        if value and needle in value:
            client.delete(key)
            forgotten += 1
    return forgotten


@transaction.atomic
def erase_household(household_id: int, *, today: datetime.date | None = None) -> Erasure | None:
    """Pseudonymise one household (every SLSP; scopes disabled); None if not due or done."""
    with scopes_disabled():
        # Lock first (two runs at once erase once), then check it is due and not done.
        if not Household.objects.select_for_update().filter(pk=household_id).exists():
            return None
        household = queries.households_to_erase(today).filter(pk=household_id).first()
        if household is None:
            return None
        counts = {
            "membres": Member.objects.filter(household=household).count(),
            "consentements": Consent.objects.filter(household=household).update(note=""),
            "suivis": FollowUp.objects.filter(household=household).update(
                objective="", next_step=""
            ),
            "objectifs": Objective.objects.filter(follow_up__household=household).update(text=""),
            "moments": Moment.objects.filter(household=household).update(
                note="", participants="", sensitive_note=""
            ),
            "baux": Tenancy.objects.filter(household=household).update(public=""),
            "orientations": _erase_referrals(household),
            "historique d'import": forget_import_changes(household.pk),
            "corrections": accompaniment.erase_correction_texts(household),
            # Rows now, stored files once the erasure is committed.
            "pieces_jointes": attachments.erase_household_attachments(household),
        }
        # Members: names and birth years go; the rows stay (household size, counts).
        for number, member in enumerate(Member.objects.filter(household=household), start=1):
            member.first_name = ""
            member.last_name = f"Membre {number}"
            member.birth_year = None
            member.relation = ""
            member.save(update_fields=["first_name", "last_name", "birth_year", "relation"])
        Household.objects.filter(pk=household.pk).update(
            display_name=ERASED_NAME,
            reference=pseudonym(household.slsp_id, household.reference),
            updated_at=timezone.now(),
        )
        counts["journal_des_acces"] = audit.detach_household(household.pk)
        counts["historique"] = _erase_history(household)
        erasure = Erasure.objects.create(
            slsp_id=household.slsp_id,
            household=household,
            tenancy_ended_on=household.last_end,
            counts=counts,
        )
    household_uuid = str(household.uuid)
    transaction.on_commit(lambda: forget_task_results(household_uuid))
    logger.info("household_erased", extra={"household_id": household_id})
    return erasure


def purge_import_files(today: datetime.date | None = None) -> int:
    """Forget the uploaded exports older than the retention period (they name people)."""
    horizon = queries.retention_horizon(today)
    with scopes_disabled():
        # What an old import changed names people too: the rows stay, the values go.
        ImportChange.objects.filter(job__created_at__date__lt=horizon).exclude(
            reference="", subject="", old="", new=""
        ).update(reference="", subject="", old="", new="")
        return (
            ImportJob.objects.filter(created_at__date__lt=horizon)
            .exclude(data=b"")
            .update(data=b"", summary={})
        )


def erase_expired_households(today: datetime.date | None = None) -> list[int]:
    """Every household due, each in its own transaction; returns the erased ids."""
    with scopes_disabled():
        due = list(queries.households_to_erase(today).values_list("pk", flat=True))
    erased = [pk for pk in due if erase_household(pk, today=today) is not None]
    purge_import_files(today)
    return erased
