"""Import of the SLSP's rental-management export as a sync: the export is the truth for
what it contains.

Reading (file -> rows with the spreadsheet's line numbers) is `apps.tenants.reading`.
Here rows become a plan, household by household: created, modified (each change as
"ancien -> nouveau"), unchanged or rejected (each line with its reason), and, for a full
export, the current leases it would close. `plan()` is the dry run; `apply()` re-plans
inside one transaction and writes everything or nothing; importing the same file twice
changes nothing.

Sync rules: a household is known by its reference's key (case, spaces and leading zeros
do not count, see `models.reference_key`); members who left are ended, not deleted; a
first name or surname whose accents or case were fixed is corrected in place; a lease
whose start date changed in the same unit is the same lease, corrected. Reads and writes
are batched so the cost grows with the file, not with round trips.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.tenants.models import (
    Category,
    Household,
    HousingUnit,
    ImportChange,
    ImportJob,
    Member,
    Tenancy,
    reference_key,
)
from apps.tenants.reading import (  # noqa: F401  (the importer's public reading API)
    COLUMNS,
    LINE,
    REQUIRED,
    ImportFileError,
    Rows,
    _key,
    limit,
    read_rows,
)
from apps.tenants.validating import (
    ACTION_LABELS,
    HouseholdData,
    MemberData,
    RowResult,
    _fold,
    _validate_row,
)


def max_close_share() -> float:
    """Above this share of the current leases, closing needs the count typed back."""
    return float(settings.TENANT_IMPORT_MAX_CLOSE_SHARE)


# --- planning ----------------------------------------------------------------------


@dataclass
class Change:
    """One field's change as the preview and the history show it."""

    subject: str  # "ménage", "bail", "logement", "membre Anne Dupont"
    field: str
    old: str
    new: str
    kind: str = ImportChange.Kind.MODIFIED


@dataclass
class HouseholdPlan:
    """What the import does to one household (the preview's unit)."""

    reference: str
    key: str
    action: str  # create, update, unchanged
    name: str
    address: str
    postal_code: str
    commune: str
    category: str
    members: list[str]
    lines: list[int]
    changes: list[Change] = field(default_factory=list)
    stored_reference: str = ""  # when the file's spelling differs from the stored one
    outside_territory: bool = False
    household: Household | None = None  # the row written (not kept in the preview cache)

    @property
    def category_label(self) -> str:
        return str(Category(self.category).label) if self.category in Category.values else ""


@dataclass
class _Writes:
    """The rows the apply writes, built by the planner (nothing is saved while planning)."""

    new_units: dict[tuple[str, str], HousingUnit] = field(default_factory=dict)
    changed_units: dict[int, HousingUnit] = field(default_factory=dict)
    new_households: list[Household] = field(default_factory=list)
    changed_households: list[Household] = field(default_factory=list)
    new_tenancies: list[tuple[Tenancy, Household, HousingUnit]] = field(default_factory=list)
    changed_tenancies: list[Tenancy] = field(default_factory=list)
    new_members: list[tuple[Member, Household]] = field(default_factory=list)
    changed_members: list[Member] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[RowResult]
    households: dict[str, HouseholdData]  # by reference key
    plans: list[HouseholdPlan]
    to_end: list[str]  # references whose current tenancy a full export would close
    current_leases: int = 0
    writes: _Writes = field(default_factory=_Writes)
    closed: list[tuple[Household, datetime.date]] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def needs_count_confirmation(self) -> bool:
        """Closing this many leases is out of the ordinary: the user types the count."""
        return bool(self.to_end) and len(self.to_end) > max_close_share() * self.current_leases

    @property
    def applicable(self) -> bool:
        return any(p.action != "unchanged" for p in self.plans) or bool(self.to_end)

    @property
    def summary(self) -> dict[str, Any]:
        by_action = {a: sum(1 for p in self.plans if p.action == a) for a in ACTION_LABELS}
        rejected_households = {r.reference for r in self.rows if r.action == "reject"}
        return by_action | {
            "reject": self.count("reject"),
            "rejected_households": len(rejected_households),
            "lines": len(self.rows),
            "to_end": len(self.to_end),
            "current_leases": self.current_leases,
            "outside_territory": sum(1 for p in self.plans if p.outside_territory),
        }


def _silent(percent: int) -> None:
    pass


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def plan(
    slsp: Any,
    rows: list[dict[str, Any]],
    *,
    full: bool = False,
    progress: Callable[[int], None] = _silent,
) -> ImportPlan:
    """The dry run. `progress(percent)` is called now and then (0-100 of the planning)."""
    labels = getattr(rows, "labels", {})
    today = timezone.localdate()
    results: list[RowResult] = []
    groups: dict[str, HouseholdData] = {}
    spellings: dict[str, set[str]] = defaultdict(set)
    bad_keys: set[str] = set()
    file_keys: set[str] = set()  # every reference in the file, rejected lines included
    step = max(1, len(rows) // 20)
    for index, row in enumerate(rows):
        line = row.get(LINE, index + 2)
        if index % step == 0:
            progress(min(99, 100 * index // max(1, len(rows))))
        reference = row.get("reference", "")
        key = reference_key(reference)
        if reference:
            file_keys.add(key)
        household, member, errors = _validate_row(row, labels, today)
        if household is None or member is None:
            results.append(RowResult(line, reference, "reject", errors))
            bad_keys.add(key)
            continue
        spellings[key].add(reference)
        existing = groups.get(key)
        if existing is None:
            groups[key] = household
            existing = household
        elif existing.fields() != household.fields():
            results.append(
                RowResult(
                    line, reference, "reject", [_("contredit une ligne précédente du même bail")]
                )
            )
            bad_keys.add(key)
            continue
        if any(m.key == member.key for m in existing.members):
            results.append(RowResult(line, reference, "reject", [_("membre en double")]))
            bad_keys.add(key)
            continue
        existing.members.append(member)
        existing.lines.append(line)
        results.append(RowResult(line, reference, "pending"))

    # Two spellings of one key in one file (`009901` and `9901`): which is right is the
    # user's call, not ours.
    for key, names in spellings.items():
        if len(names) > 1:
            bad_keys.add(key)
            reason = _("les références %(refs)s désignent le même ménage : uniformisez-les") % {
                "refs": ", ".join(f"« {n} »" for n in sorted(names))
            }
            for result in results:
                if result.action == "pending" and reference_key(result.reference) == key:
                    result.action = "reject"
                    result.reasons.append(reason)

    state = _existing_state(slsp, groups)
    for key, households in state.conflicts.items():
        if key in groups:
            bad_keys.add(key)
            reason = _(
                "plusieurs ménages enregistrés ont cette référence (%(refs)s) : corrigez-les "
                "avant d'importer"
            ) % {"refs": ", ".join(sorted(h.reference for h in households))}
            for result in results:
                if result.action == "pending" and reference_key(result.reference) == key:
                    result.action = "reject"
                    result.reasons.append(reason)

    # A household is imported whole or not at all.
    for key in bad_keys:
        groups.pop(key, None)
    for result in results:
        if result.action == "pending" and reference_key(result.reference) in bad_keys:
            result.action = "reject"
            result.reasons.append(_("une autre ligne de ce bail est rejetée"))

    territory = {_fold(c) for c in (getattr(slsp, "communes_served", None) or [])}
    writes = _Writes()
    plans = []
    for data in groups.values():
        household_plan = _plan_household(slsp, data, state, writes)
        household_plan.outside_territory = bool(territory) and _fold(data.commune) not in territory
        plans.append(household_plan)
    actions = {p.key: p.action for p in plans}
    for result in results:
        if result.action == "pending":
            result.action = actions[reference_key(result.reference)]

    to_end: list[str] = []
    current = 0
    if full:
        leases = list(
            Tenancy.objects.filter(slsp=slsp)
            .current(timezone.localdate())
            .values_list("household__reference", flat=True)
        )
        current = len(set(leases))
        # Never close a lease whose reference appears anywhere in the file.
        to_end = sorted({r for r in leases if reference_key(r) not in file_keys})
    return ImportPlan(results, groups, plans, to_end, current, writes)


@dataclass
class _State:
    households: dict[str, Household]  # by key
    conflicts: dict[str, list[Household]]
    units: dict[tuple[str, str], HousingUnit]
    tenancies: dict[int, list[Tenancy]]  # by household id
    members: dict[int, list[Member]]  # by household id


def _existing_state(slsp: Any, groups: dict[str, HouseholdData]) -> _State:
    keys = list(groups)
    raw = [d.reference for d in groups.values()]
    found: dict[str, list[Household]] = defaultdict(list)
    for household in Household.objects.filter(slsp=slsp).filter(
        Q(reference_key__in=keys) | Q(reference__in=raw)
    ):
        found[reference_key(household.reference)].append(household)
    households = {k: v[0] for k, v in found.items() if len(v) == 1}
    conflicts = {k: v for k, v in found.items() if len(v) > 1}
    ids = [h.pk for h in households.values()]
    tenancies: dict[int, list[Tenancy]] = defaultdict(list)
    for tenancy in Tenancy.objects.filter(household_id__in=ids).order_by("start_date"):
        tenancies[tenancy.household_id].append(tenancy)
    members: dict[int, list[Member]] = defaultdict(list)
    for member in Member.objects.filter(household_id__in=ids).order_by("pk"):
        members[member.household_id].append(member)
    units = {(u.address, u.postal_code): u for u in HousingUnit.objects.filter(slsp=slsp)}
    return _State(households, conflicts, units, tenancies, members)


def _plan_household(slsp: Any, data: HouseholdData, state: _State, w: _Writes) -> HouseholdPlan:
    household = state.households.get(data.key)
    result = HouseholdPlan(
        reference=data.reference,
        key=data.key,
        action="create" if household is None else "unchanged",
        name=data.display_name,
        address=data.address,
        postal_code=data.postal_code,
        commune=data.commune,
        category=data.category,
        members=[m.label for m in data.members],
        lines=data.lines,
    )
    changes = result.changes
    unit = _plan_unit(slsp, data, state, w, changes)

    if household is None:
        household = Household(
            slsp=slsp,
            reference=data.reference,
            size=len(data.members),
            language=data.language,
            display_name=data.display_name,
        )
        w.new_households.append(household)
        result.household = household
        _new_tenancy(slsp, data, household, unit, w)
        for member in data.members:
            _new_member(slsp, member, household, w)
        return result

    result.household = household
    if household.reference != data.reference:
        result.stored_reference = household.reference
    # Household fields.
    household_changed = False
    for attribute, label, new in (
        ("display_name", gettext_lazy("nom du ménage"), data.display_name),
        ("size", gettext_lazy("taille"), len(data.members)),
        ("language", gettext_lazy("langue"), data.language),
    ):
        old = getattr(household, attribute)
        if old != new:
            changes.append(Change(str(_("ménage")), str(label), _text(old), _text(new)))
            setattr(household, attribute, new)
            household_changed = True
    if household_changed:
        w.changed_households.append(household)

    _plan_tenancy(slsp, data, household, unit, state, w, changes)
    _plan_members(slsp, data, household, state, w, changes)
    if changes:
        result.action = "update"
    return result


def _plan_unit(
    slsp: Any, data: HouseholdData, state: _State, w: _Writes, changes: list[Change]
) -> HousingUnit:
    unit = state.units.get(data.unit_key) or w.new_units.get(data.unit_key)
    if unit is None:
        unit = HousingUnit(
            slsp=slsp,
            address=data.address,
            postal_code=data.postal_code,
            commune=data.commune,
            district=data.district,
            category=data.category,
        )
        w.new_units[data.unit_key] = unit
        return unit
    for attribute, label in (
        ("commune", gettext_lazy("commune")),
        ("district", gettext_lazy("quartier / cité")),
        ("category", gettext_lazy("catégorie")),
    ):
        old, new = getattr(unit, attribute), getattr(data, attribute)
        if old != new:
            changes.append(Change(str(_("logement")), str(label), _text(old), _text(new)))
            setattr(unit, attribute, new)
            if unit.pk:
                w.changed_units[unit.pk] = unit
    return unit


def _new_tenancy(
    slsp: Any, data: HouseholdData, household: Household, unit: HousingUnit, w: _Writes
) -> None:
    tenancy = Tenancy(
        slsp=slsp,
        start_date=data.start_date,
        end_date=data.end_date,
        category=data.category,
        accompanied=data.accompanied,
        public=data.public,
    )
    w.new_tenancies.append((tenancy, household, unit))


def _plan_tenancy(
    slsp: Any,
    data: HouseholdData,
    household: Household,
    unit: HousingUnit,
    state: _State,
    w: _Writes,
    changes: list[Change],
) -> None:
    tenancies = state.tenancies.get(household.pk, [])
    tenancy = next((t for t in tenancies if t.start_date == data.start_date), None)
    corrected = False
    subject = gettext_lazy("bail")
    if tenancy is None and unit.pk:
        # The same unit's lease with another start date is the same lease, corrected:
        # the latest one there (an export lists each household's current lease).
        same_unit = [t for t in tenancies if t.unit_id == unit.pk]
        if same_unit:
            tenancy = same_unit[-1]
            changes.append(
                Change(
                    str(subject),
                    str(_("début du bail")),
                    _text(tenancy.start_date),
                    _text(data.start_date),
                )
            )
            tenancy.start_date = data.start_date
            w.changed_tenancies.append(tenancy)
            corrected = True
    if tenancy is None:
        # A move: the lease in the other unit ends the day before the new one starts.
        for old in tenancies:
            still_open = old.end_date is None or old.end_date >= data.start_date
            if still_open and old.start_date < data.start_date:
                end = data.start_date - datetime.timedelta(days=1)
                changes.append(
                    Change(
                        f"{subject!s} {old.start_date:%d/%m/%Y}",
                        str(_("fin du bail")),
                        _text(old.end_date),
                        _text(end),
                        ImportChange.Kind.ENDED,
                    )
                )
                old.end_date = end
                w.changed_tenancies.append(old)
        changes.append(
            Change(
                str(subject),
                str(_("nouveau bail")),
                "",
                _text(data.start_date),
                ImportChange.Kind.CREATED,
            )
        )
        _new_tenancy(slsp, data, household, unit, w)
        return
    changed = corrected
    if tenancy.unit_id != unit.pk:
        changes.append(Change(str(subject), str(_("logement")), str(tenancy.unit), data.address))
        tenancy.unit = unit
        changed = True
    for attribute, label in (
        ("end_date", gettext_lazy("fin du bail")),
        ("category", gettext_lazy("catégorie")),
        ("accompanied", gettext_lazy("locataire accompagné")),
        ("public", gettext_lazy("public spécifique")),
    ):
        old, new = getattr(tenancy, attribute), getattr(data, attribute)
        if old != new:
            changes.append(Change(str(subject), str(label), _text(old), _text(new)))
            setattr(tenancy, attribute, new)
            changed = True
    if changed and not corrected:
        w.changed_tenancies.append(tenancy)


def _new_member(slsp: Any, member: MemberData, household: Household, w: _Writes) -> None:
    w.new_members.append(
        (
            Member(
                slsp=slsp,
                first_name=member.first_name,
                last_name=member.last_name,
                birth_year=member.birth_year,
                relation=member.relation,
            ),
            household,
        )
    )


def _stored_key(member: Member) -> tuple[str, str, int | None]:
    return (member.first_name.lower(), member.last_name.lower(), member.birth_year)


def _stored_folded(member: Member) -> tuple[str, str, int | None]:
    return (_fold(member.first_name), _fold(member.last_name), member.birth_year)


class _MemberSubject:
    """ "membre Anne Dupont", translated only when a change is recorded."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        return _("membre %(name)s") % {"name": self.name}


def _plan_members(
    slsp: Any,
    data: HouseholdData,
    household: Household,
    state: _State,
    w: _Writes,
    changes: list[Change],
) -> None:
    stored = list(state.members.get(household.pk, []))
    pending = list(data.members)
    pairs: list[tuple[MemberData, Member]] = []
    # Same person: the same spelling, then the same name but for accents, case and
    # punctuation (a corrected spelling), then the same name with its year corrected.
    matchers: list[tuple[Callable[[MemberData], Any], Callable[[Member], Any]]] = [
        (lambda m: m.key, _stored_key),
        (lambda m: m.folded, _stored_folded),
        (lambda m: m.folded[:2], lambda s: _stored_folded(s)[:2]),
    ]
    for file_key, stored_key in matchers:
        file_counts: dict[Any, int] = defaultdict(int)
        for m in pending:
            file_counts[file_key(m)] += 1
        by_key: dict[Any, list[Member]] = defaultdict(list)
        for s in stored:
            by_key[stored_key(s)].append(s)
        for m in list(pending):
            # Only an unambiguous pair is the same person; the rest leave and arrive.
            candidates = by_key.get(file_key(m), [])
            if len(candidates) == 1 and file_counts[file_key(m)] == 1:
                pairs.append((m, candidates[0]))
                pending.remove(m)
                stored.remove(candidates[0])
    for m, s in pairs:
        subject = _MemberSubject(m.label)
        changed = False
        for attribute, label, new in (
            ("first_name", gettext_lazy("prénom"), m.first_name),
            ("last_name", gettext_lazy("nom"), m.last_name),
            ("birth_year", gettext_lazy("année de naissance"), m.birth_year),
            ("relation", gettext_lazy("lien"), m.relation),
        ):
            old = getattr(s, attribute)
            if old != new:
                changes.append(Change(str(subject), str(label), _text(old), _text(new)))
                setattr(s, attribute, new)
                changed = True
        if s.left_on is not None:
            changes.append(
                Change(
                    str(subject),
                    str(_("revenu dans le ménage")),
                    _text(s.left_on),
                    "",
                    ImportChange.Kind.CREATED,
                )
            )
            s.left_on = None
            changed = True
        if changed:
            w.changed_members.append(s)
    today = timezone.localdate()
    for s in stored:
        if s.left_on is None:
            changes.append(
                Change(
                    str(_MemberSubject(f"{s.first_name} {s.last_name}")),
                    str(_("a quitté le ménage")),
                    "",
                    _text(today),
                    ImportChange.Kind.ENDED,
                )
            )
            s.left_on = today
            w.changed_members.append(s)
    for m in pending:
        changes.append(
            Change(
                str(_MemberSubject(m.label)),
                str(_("nouveau membre")),
                "",
                "",
                ImportChange.Kind.CREATED,
            )
        )
        _new_member(slsp, m, household, w)


# --- applying ----------------------------------------------------------------------


class ImportRefused(Exception):
    """The apply would do something the user did not confirm: nothing is written."""


@transaction.atomic
def apply(
    slsp: Any,
    rows: list[dict[str, Any]],
    *,
    full: bool = False,
    confirm_end: bool = False,
    confirmed_count: int | None = None,
    job: ImportJob | None = None,
    progress: Callable[[int], None] = _silent,
) -> ImportPlan:
    """Write the plan in one transaction. Tenancies missing from a full export are
    closed only when the user confirmed it (`confirm_end`) and, above the share
    TENANT_IMPORT_MAX_CLOSE_SHARE of the current leases, typed their count
    (`confirmed_count`). With a `job`, every change is recorded in its history.
    `progress(percent)` reports 0-100 (planning is the first half)."""
    result = plan(slsp, rows, full=full, progress=lambda p: progress(p // 2))
    closing = full and confirm_end and bool(result.to_end)
    if closing and result.needs_count_confirmation and confirmed_count != len(result.to_end):
        raise ImportRefused(
            ngettext(
                "Cet export complet clôturerait %(n)s bail sur %(total)s en cours : "
                "confirmez ce nombre pour continuer. Rien n'a été modifié.",
                "Cet export complet clôturerait %(n)s baux sur %(total)s en cours : "
                "confirmez ce nombre pour continuer. Rien n'a été modifié.",
                len(result.to_end),
            )
            % {"n": len(result.to_end), "total": result.current_leases}
        )
    w = result.writes
    HousingUnit.objects.bulk_create(w.new_units.values())
    HousingUnit.objects.bulk_update(w.changed_units.values(), ["commune", "district", "category"])
    progress(60)
    Household.objects.bulk_create(w.new_households)
    now = timezone.now()
    for household in w.changed_households:
        household.updated_at = now
    Household.objects.bulk_update(
        w.changed_households, ["display_name", "size", "language", "updated_at"]
    )
    progress(70)
    for tenancy, household, unit in w.new_tenancies:
        tenancy.household_id, tenancy.unit_id = household.pk, unit.pk
    # Corrections and a move's end first, then the new leases.
    Tenancy.objects.bulk_update(
        w.changed_tenancies,
        ["unit", "start_date", "end_date", "category", "accompanied", "public"],
    )
    Tenancy.objects.bulk_create([t for t, _h, _u in w.new_tenancies])
    for member, household in w.new_members:
        member.household_id = household.pk
    Member.objects.bulk_update(
        w.changed_members, ["first_name", "last_name", "birth_year", "relation", "left_on"]
    )
    Member.objects.bulk_create([m for m, _h in w.new_members])
    progress(90)

    if closing:
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        for tenancy in (
            Tenancy.objects.filter(
                slsp=slsp, household__reference__in=result.to_end, end_date__isnull=True
            )
            .select_related("household")
            .select_for_update(of=("self",))
        ):
            tenancy.end_date = max(yesterday, tenancy.start_date)
            tenancy.save(update_fields=["end_date"])
            result.closed.append((tenancy.household, tenancy.end_date))
    if job is not None:
        _record(job, slsp, result)
    return result


def _record(job: ImportJob, slsp: Any, result: ImportPlan) -> None:
    """The import's change history: each household created, each field changed, each
    lease closed."""
    records = []
    for household_plan in result.plans:
        household = household_plan.household
        base = {"job": job, "slsp": slsp, "household": household}
        reference = household_plan.reference
        if household_plan.action == "create":
            records.append(
                ImportChange(
                    **base,
                    reference=reference,
                    kind=ImportChange.Kind.CREATED,
                    subject=str(_("ménage")),
                    new=household_plan.name[:300],
                )
            )
        for change in household_plan.changes:
            records.append(
                ImportChange(
                    **base,
                    reference=reference,
                    kind=change.kind,
                    subject=change.subject[:60],
                    field=change.field[:60],
                    old=change.old[:300],
                    new=change.new[:300],
                )
            )
    for household, end in result.closed:
        records.append(
            ImportChange(
                job=job,
                slsp=slsp,
                household=household,
                reference=household.reference,
                kind=ImportChange.Kind.ENDED,
                subject=str(_("bail")),
                field=str(_("fin du bail")),
                old="—",
                new=_text(end),
            )
        )
    ImportChange.objects.bulk_create(records, batch_size=2000)
