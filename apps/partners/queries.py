"""Reads of the partner directory and of the agreements (one visibility function each)."""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Iterable
from typing import Any

import rules
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.accounts.models import Role, User
from apps.core.periods import Semester
from apps.partners.models import (
    EXPIRY_WARNING_DAYS,
    Agreement,
    AgreementQuerySet,
    AgreementStatus,
    Partner,
    PartnerContact,
    SlspPartner,
    normalize_name,
)

# Words too common in organisation names to say two names are alike.
STOP_WORDS = {
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "l",
    "d",
    "et",
    "a",
    "au",
    "aux",
    "en",
    "asbl",
    "service",
    "centre",
    "maison",
}


def partners_for(user: User) -> QuerySet[Partner]:
    """Partners of the regional directory the user may read (all of them, or none)."""
    if not user.is_authenticated or not rules.has_perm("partners.view_directory", user):
        return Partner.objects.none()
    return Partner.objects.all()


def directory_rows(user: User) -> QuerySet[Partner]:
    """The directory list: each partner with its contact count and 'in my network' flag."""
    slsp_ids = list(user.slsp_ids()) if user.is_authenticated else []
    with scopes_disabled():
        in_network = SlspPartner.objects.filter(partner=OuterRef("pk"), slsp_id__in=slsp_ids)
        return partners_for(user).annotate(
            contact_count=Count("contacts", distinct=True),
            in_my_network=Exists(in_network),
        )


# The directory filter's communes: the same for every user and read on every directory
# page (4 ms over 3,000 partners). A partner's save or delete drops the entry (signals in
# apps.py); it also expires, for writes that bypass signals (COPY, bulk updates).
COMMUNES_CACHE_KEY = "partners:commune-choices"
COMMUNES_CACHE_SECONDS = 300


def commune_choices() -> list[tuple[str, str]]:
    """Every commune a partner sits in or serves, for the directory filter."""
    return cache.get_or_set(COMMUNES_CACHE_KEY, _commune_choices, COMMUNES_CACHE_SECONDS) or []


def forget_commune_choices(**_signal: Any) -> None:
    cache.delete(COMMUNES_CACHE_KEY)
    # Again once committed: a page read between the write and its commit cached the old list.
    transaction.on_commit(lambda: cache.delete(COMMUNES_CACHE_KEY))


def _commune_choices() -> list[tuple[str, str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c FROM ("
            " SELECT commune AS c FROM partners_partner WHERE commune <> ''"
            " UNION SELECT unnest(communes_served) FROM partners_partner) AS communes"
            " ORDER BY c"
        )
        return [(row[0], row[0]) for row in cursor.fetchall()]


def find_similar(
    name: str, type_: str = "", commune: str = "", exclude_pk: int | None = None, limit: int = 8
) -> list[Partner]:
    """Partners that may be the same organisation: same type in the same commune, or a
    name sharing a significant word; ranked by name similarity (difflib, accent-free)."""
    wanted = normalize_name(name)
    words = [w for w in wanted.split() if len(w) > 2 and w not in STOP_WORDS]
    condition = Q()
    if type_ and commune:
        condition |= Q(type=type_) & (
            Q(commune__iexact=commune) | Q(communes_served__contains=[commune])
        )
    for word in words[:6]:
        condition |= Q(normalized_name__contains=word)
    if wanted:
        condition |= Q(normalized_name=wanted)
    if not condition:
        return []
    candidates = Partner.objects.filter(condition)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    pool = list(candidates.order_by("name")[:200])

    def score(partner: Partner) -> float:
        ratio = difflib.SequenceMatcher(None, wanted, partner.normalized_name).ratio()
        same_place = commune and (
            partner.commune.lower() == commune.lower() or commune in partner.communes_served
        )
        return ratio + (0.5 if partner.type == type_ and same_place else 0)

    ranked = sorted(pool, key=score, reverse=True)
    return [p for p in ranked if score(p) >= 0.45][:limit]


def links_for(user: User) -> QuerySet[SlspPartner]:
    """The network links of the user's SLSPs (scoped: the request's scope applies)."""
    if not user.is_authenticated:
        return SlspPartner.objects.none()
    return SlspPartner.objects.filter(slsp_id__in=user.slsp_ids())


def referent_slsp_ids(user: User) -> list[int]:
    return list(user.slsp_ids(roles={Role.REFERENT})) if user.is_authenticated else []


def agreements_for(user: User, today: datetime.date | None = None) -> AgreementQuerySet:
    """Agreements the user may open: those of their own SLSPs, with their status."""
    if not user.is_authenticated or not rules.has_perm("partners.view_agreements", user):
        return Agreement.objects.none()
    return (
        Agreement.objects.filter(slsp_id__in=user.slsp_ids())
        .with_status(today)
        .select_related("partner", "slsp")
    )


def expiring_agreements_for(user: User, today: datetime.date | None = None) -> QuerySet[Agreement]:
    """Agreements of the user's SLSPs ending within the warning period (home panel)."""
    return agreements_for(user, today).expiring_within(EXPIRY_WARNING_DAYS, today)


def partner_statistics(user: User, partner: Partner) -> dict[str, int]:
    """Agreement counts with this partner: the user's SLSPs, or the region for coordinators.

    Coordinators get counts only (no purpose, no dates): an aggregate under
    scopes_disabled returning numbers.
    """
    today = timezone.localdate()
    if user.slsp_ids():
        base = agreements_for(user, today).filter(partner=partner)
        links = links_for(user).filter(partner=partner)
    else:
        with scopes_disabled():
            base = Agreement.objects.filter(partner=partner).with_status(today)
            links = SlspPartner.objects.filter(partner=partner)
    with scopes_disabled():
        counts = base.aggregate(
            total=Count("pk"),
            active=Count("pk", filter=Q(status=AgreementStatus.ACTIVE)),
            expiring=Count("pk", filter=Q(status=AgreementStatus.EXPIRING)),
            expired=Count("pk", filter=Q(status=AgreementStatus.EXPIRED)),
            upcoming=Count("pk", filter=Q(status=AgreementStatus.UPCOMING)),
            sharing=Count(
                "pk",
                filter=Q(
                    shares_data=True,
                    status__in=[AgreementStatus.ACTIVE, AgreementStatus.EXPIRING],
                ),
            ),
            slsps=Count("slsp", distinct=True),
        )
        counts["networks"] = links.count()
    return counts


def sharing_agreement_for(
    slsp_id: int, partner_id: int, on: datetime.date | None = None
) -> Agreement | None:
    """The SLSP's agreement with this partner that is in force on `on` and has a
    data-sharing clause, or None. Used by the apps above before sharing anything."""
    on = on or timezone.localdate()
    with scopes_disabled():
        return (
            Agreement.objects.filter(slsp_id=slsp_id, partner_id=partner_id, shares_data=True)
            .active_on(on)
            .order_by("-end_date", "-pk")
            .first()
        )


def merge_preview(partner: Partner) -> dict[str, int]:
    """What a merge would move from this partner: counts only (coordinators)."""
    with scopes_disabled():
        return Partner.objects.filter(pk=partner.pk).aggregate(
            contacts=Count("contacts", distinct=True),
            links=Count("slsp_links", distinct=True),
            agreements=Count("agreements", distinct=True),
        )


def network_counts_by_slsp(slsp_ids: Iterable[int]) -> dict[int, int]:
    """Partners in each SLSP's network (regional table)."""
    with scopes_disabled():
        rows = (
            SlspPartner.objects.filter(slsp_id__in=slsp_ids)
            .values("slsp_id")
            .annotate(n=Count("pk"))
            .values_list("slsp_id", "n")
        )
        return dict(rows)


def active_agreements_by_slsp(slsp_ids: Iterable[int]) -> dict[int, int]:
    """Agreements in force today (active or expiring soon), per SLSP (regional table)."""
    with scopes_disabled():
        rows = (
            Agreement.objects.filter(slsp_id__in=slsp_ids)
            .active_on(timezone.localdate())
            .values("slsp_id")
            .annotate(n=Count("pk"))
            .values_list("slsp_id", "n")
        )
        return dict(rows)


# --- Contacts ---


def contacts_for(user: User) -> QuerySet[PartnerContact]:
    """Contacts the user may read: the directory's, and those of the user's own SLSPs
    (another SLSP's own contacts are its business)."""
    if not user.is_authenticated or not rules.has_perm("partners.view_directory", user):
        return PartnerContact.objects.none()
    return PartnerContact.objects.filter(Q(slsp__isnull=True) | Q(slsp_id__in=user.slsp_ids()))


def editable_contacts_for(user: User) -> QuerySet[PartnerContact]:
    """Contacts the user may change: the directory's (référents and coordinators), and
    the own contacts of the SLSPs where the user is référent."""
    if not user.is_authenticated:
        return PartnerContact.objects.none()
    allowed = Q(slsp_id__in=referent_slsp_ids(user))
    if rules.has_perm("partners.change_partnercontact", user):
        allowed |= Q(slsp__isnull=True)
    return PartnerContact.objects.filter(allowed)


# --- Semester figures (published in apps.partners.apps through the core registry) ---


def _last_day(semester: Semester) -> datetime.date:
    """The day a semester's network is read on: its last day, or today while it runs."""
    return min(semester.end, timezone.localdate())


def network_partners_by_slsp(slsp_ids: Iterable[int], semester: Semester) -> dict[int, int]:
    """Partners in each SLSP's network on the semester's last day (today while it runs):
    a partner counts once, however many agreements it has with any SLSP."""
    on = _last_day(semester)
    with scopes_disabled():
        rows = (
            SlspPartner.objects.filter(slsp_id__in=list(slsp_ids), since__lte=on)
            .order_by()
            .values("slsp_id")
            .annotate(n=Count("partner", distinct=True))
            .values_list("slsp_id", "n")
        )
        return dict(rows)


def agreements_in_force_by_slsp(slsp_ids: Iterable[int], semester: Semester) -> dict[int, int]:
    """Agreements in force on the semester's last day (today while it runs), per SLSP."""
    with scopes_disabled():
        rows = (
            Agreement.objects.filter(slsp_id__in=list(slsp_ids))
            .active_on(_last_day(semester))
            .order_by()
            .values("slsp_id")
            .annotate(n=Count("pk"))
            .values_list("slsp_id", "n")
        )
        return dict(rows)


def network_partners_by_type(slsp_id: int, semester: Semester) -> list[dict[str, Any]]:
    """One SLSP's network on the semester's last day per partner type: partners (each
    once) and the agreements in force with them. Two queries, no join that multiplies."""
    on = _last_day(semester)
    with scopes_disabled():
        partners = dict(
            SlspPartner.objects.filter(slsp_id=slsp_id, since__lte=on)
            .order_by()
            .values("partner__type")
            .annotate(n=Count("partner", distinct=True))
            .values_list("partner__type", "n")
        )
        agreements = dict(
            Agreement.objects.filter(
                slsp_id=slsp_id,
                partner__slsp_links__slsp_id=slsp_id,
                partner__slsp_links__since__lte=on,
            )
            .active_on(on)
            .order_by()
            .values("partner__type")
            .annotate(n=Count("pk", distinct=True))
            .values_list("partner__type", "n")
        )
    rows = [
        {"type": type_, "partners": n, "agreements": agreements.get(type_, 0)}
        for type_, n in partners.items()
    ]
    return sorted(rows, key=lambda r: (-r["partners"], r["type"]))
