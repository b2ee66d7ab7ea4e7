"""Renovation works ("chantiers"): reads and writes of this one domain, kept apart from
the households and the import. The direction and the référent of the SLSP manage them;
the accompaniment's relocation work list and follow-ups read them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.accounts.models import Role, User
from apps.core.search import text_matches
from apps.core.validators import DateMeaning, DateRule
from apps.tenants.models import HousingUnit, RenovationWorks

# Works are planned years ahead: the project's date rule for terms (apps.core.validators).
WORKS_DATE = DateRule(DateMeaning.TERM)
UNIT_SEARCH_LIMIT = 20
MANAGERS = (Role.REFERENT, Role.DIRECTION)


def managed_slsp_ids(user: User) -> tuple[int, ...]:
    """SLSPs whose works the user manages (référent or direction there)."""
    if not user.is_authenticated:
        return ()
    return user.slsp_ids(roles=MANAGERS)


def works_for(user: User) -> QuerySet[RenovationWorks]:
    """Works of the SLSPs the user manages, each with its number of units."""
    ids = managed_slsp_ids(user)
    if not ids:
        return RenovationWorks.objects.none()
    return RenovationWorks.objects.filter(slsp_id__in=ids).annotate(unit_count=Count("units"))


def units_of(works: RenovationWorks) -> QuerySet[HousingUnit]:
    return works.units.order_by("postal_code", "address")


def find_units(works: RenovationWorks, text: str) -> QuerySet[HousingUnit]:
    """Units of the works' SLSP whose address matches the typed text as every search
    does (apps/core/search.py: any word order, case or accents, small typos), or whose
    postal code it is; not attached yet."""
    text = text.strip()
    if len(text) < 2:
        return HousingUnit.objects.none()
    return (
        HousingUnit.objects.filter(slsp_id=works.slsp_id)
        .filter(text_matches("search_text", text) | Q(postal_code=text))
        .exclude(works=works)
        .order_by("postal_code", "address")[:UNIT_SEARCH_LIMIT]
    )


def _check_dates(start: datetime.date, end: datetime.date | None) -> None:
    for value in (start, end):
        WORKS_DATE(value)
    if end is not None and end < start:
        raise ValidationError(_("La fin prévue ne peut pas précéder le début des travaux."))


@transaction.atomic
def create_works(
    user: User,
    *,
    slsp_id: int,
    name: str,
    kind: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    district: str = "",
) -> RenovationWorks:
    if slsp_id not in managed_slsp_ids(user):
        raise ValidationError(_("Vous ne gérez pas les chantiers de cette SLSP."))
    name = name.strip()
    if not name:
        raise ValidationError(_("Donnez un nom au chantier."))
    _check_dates(start_date, end_date)
    return RenovationWorks.objects.create(
        slsp_id=slsp_id,
        name=name,
        kind=kind,
        district=district.strip(),
        start_date=start_date,
        end_date=end_date,
    )


@transaction.atomic
def update_works(
    works: RenovationWorks,
    *,
    name: str,
    kind: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    district: str = "",
) -> RenovationWorks:
    name = name.strip()
    if not name:
        raise ValidationError(_("Donnez un nom au chantier."))
    _check_dates(start_date, end_date)
    works.name, works.kind, works.district = name, kind, district.strip()
    works.start_date, works.end_date = start_date, end_date
    works.save(update_fields=["name", "kind", "district", "start_date", "end_date"])
    return works


def close_consequences(works: RenovationWorks, today: datetime.date | None = None) -> list[str]:
    """What closing the works changes, for the confirmation page."""
    count = works.units.count()
    lines = [
        str(_("Les ménages de ses logements ne figureront plus dans la liste de relogement.")),
    ]
    if count:
        lines.append(
            ngettext(
                "%(count)s logement rattaché reste lié au chantier, pour l'historique.",
                "%(count)s logements rattachés restent liés au chantier, pour l'historique.",
                count,
            )
            % {"count": count}
        )
    return lines


@transaction.atomic
def close_works(
    works: RenovationWorks, *, end_date: datetime.date, today: datetime.date | None = None
) -> RenovationWorks:
    """The works are over: their end date is set (not in the future), which removes their
    households from the relocation work list."""
    today = today or timezone.localdate()
    if end_date > today:
        raise ValidationError(_("Un chantier se clôture à une date passée ou aujourd'hui."))
    _check_dates(works.start_date, end_date)
    works.end_date = end_date
    works.save(update_fields=["end_date"])
    return works


@transaction.atomic
def attach_units(works: RenovationWorks, units: Iterable[HousingUnit]) -> int:
    units = list(units)
    if any(u.slsp_id != works.slsp_id for u in units):
        raise ValidationError(_("Ce logement appartient à une autre SLSP."))
    works.units.add(*units)
    return len(units)


@transaction.atomic
def detach_unit(works: RenovationWorks, unit: HousingUnit) -> None:
    works.units.remove(unit)
