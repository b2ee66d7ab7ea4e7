"""French labels for the codes stored in indicator snapshots.

Snapshots keep codes (stable across translations); labels are resolved when a page or
a PDF is rendered. An unknown code (a choice since removed) shows as itself.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _

REFERRAL_STATUS_FALLBACK = {
    "proposed": _("Proposée"),
    "sent": _("Envoyée"),
    "accepted": _("Acceptée"),
    "refused": _("Refusée"),
    "in_progress": _("En cours"),
    "closed": _("Clôturée"),
}


def _choices(label: str, attribute: str) -> dict:
    try:
        module = apps.get_app_config(label.split(".")[0]).models_module
    except LookupError:
        return {}
    choices = getattr(module, attribute, None)
    return dict(choices.choices) if choices is not None else {}


def domain(code: str) -> str:
    from apps.accompaniment.models import Domain

    return str(dict(Domain.choices).get(code, code))


def moment_kind(code: str) -> str:
    from apps.accompaniment.models import MomentKind

    return str(dict(MomentKind.choices).get(code, code))


def partner_type(code: str) -> str:
    from apps.partners.models import PartnerType

    return str(dict(PartnerType.choices).get(code, code))


def network_kind(code: str) -> str:
    from apps.slsps.models import NetworkEventKind

    return str(dict(NetworkEventKind.choices).get(code, code))


def referral_statuses() -> dict:
    """Status code → label, in the order of the referral's life."""
    found = _choices("referrals", "ReferralStatus")
    labels = {**REFERRAL_STATUS_FALLBACK, **found}
    return {code: str(label) for code, label in labels.items()}


def referral_outcome(code: str) -> str:
    return str(_choices("referrals", "ReferralOutcome").get(code, code))
