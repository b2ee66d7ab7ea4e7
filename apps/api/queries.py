"""Reads of the API: what one service account may see, never more than its SLSP (or, for
the SWL's accounts, the regional table with its disclosure control)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from apps.api.models import ApiScope, ServiceAccount
from apps.referrals.models import Referral
from apps.reports import regional
from apps.reports.filters import RegionFilter
from apps.slsps.models import Slsp
from apps.tenants.models import ImportJob


def has_scope(account: ServiceAccount, scope: str) -> bool:
    """Whether the account holds `scope`, on the kind of account that scope is for."""
    if scope not in account.scopes:
        return False
    if scope == ApiScope.REGIONAL_READ:
        return account.slsp_id is None
    return account.slsp_id is not None


def import_jobs_for(account: ServiceAccount) -> QuerySet[ImportJob]:
    """Import jobs of the account's SLSP (run inside that SLSP's scope)."""
    if not has_scope(account, ApiScope.IMPORT) or account.slsp_id is None:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(slsp_id=account.slsp_id)


# What the SLSP's tools read of a referral: its status and dates, no name nor free text.
REFERRAL_FIELDS = (
    "pk",
    "uuid",
    "slsp_id",
    "household_id",
    "status",
    "outcome",
    "proposed_at",
    "sent_at",
    "answered_at",
    "started_at",
    "closed_at",
    "sharing_stopped_at",
)


def referrals_for(account: ServiceAccount) -> QuerySet[Referral]:
    """Referrals of the account's SLSP, newest first (run inside that SLSP's scope)."""
    if not has_scope(account, ApiScope.REFERRALS_READ) or account.slsp_id is None:
        return Referral.objects.none()
    return Referral.objects.filter(slsp_id=account.slsp_id).order_by("-proposed_at", "-pk")


def regional_table(account: ServiceAccount, params: Mapping[str, Any]) -> regional.RegionalTable:
    """The SWL regional table exactly as the page builds it (same filter, same metrics,
    same suppression of small counts), for the SWL's accounts only. Raises ValidationError
    on a filter value the page's filter refuses."""
    if not has_scope(account, ApiScope.REGIONAL_READ):
        slsps: QuerySet[Slsp] = Slsp.objects.none()
    else:
        slsps = Slsp.objects.all()
    filterset = RegionFilter(params, queryset=slsps)
    if not filterset.is_valid():
        raise ValidationError(
            _("Filtre invalide : %(fields)s.") % {"fields": ", ".join(sorted(filterset.errors))}
        )
    return regional.build_table(filterset.qs, region=slsps).sorted_by(params.get("tri", "nom"))
