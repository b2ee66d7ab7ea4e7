"""The one rule for small counts of people shown outside an SLSP (SWL pages, exports, API).

A count of 1 to 4 households or people could point at someone: it is shown as
`SUPPRESSED`. Every coordinator output asks here, so the threshold and the way a hidden
count reads are the same on the regional table, the network view, the PDFs and the API.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

SMALL_COUNT = 5
SUPPRESSED = "<5"

T = TypeVar("T")


def is_small(value: object) -> bool:
    """A count of people that must not be shown as such (1 to 4)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < SMALL_COUNT


def suppress(value: T, about_people: bool = True) -> T | str:
    """The value as a coordinator may see it: `SUPPRESSED` for a small count of people."""
    if about_people and is_small(value):
        return SUPPRESSED
    return value


# --- Disclosure control of a whole table ---------------------------------------------
#
# Hiding the counts 1 to 4 is not enough when totals are shown beside them: a hidden
# cell is the total minus the visible cells. `protect_table` takes every number of a
# table of counts together with the totals published with it (the regional total and
# the subtotals of the groups a coordinator can filter on) and returns what may be shown:
#
# - primary suppression: a count of 1 to 4 about people is shown `SUPPRESSED` ("<5");
# - complementary suppression: while some hidden number can still be worked out exactly
#   from the published equations (each total = sum of its parts) and the bounds a reader
#   knows (a "<5" is 1 to 4, an `MASKED` number is 5 or more, a count is never negative),
#   a further number of the same equation is hidden (`MASKED`, "x"): a sibling of 5 or
#   more, else the total itself. Each step hides one more number, so it ends.
# - unknown values (None) are shown `UNKNOWN` ("—") and stay out of every total.
#
# Every other total a view shows (a filter that is not one group) is the sum of published
# numbers (`ProtectedColumn.total_of`): hidden as soon as one part is hidden, so it adds
# no equation. See SECURITY.md, "Disclosure control".

MASKED = "x"
UNKNOWN = "—"
_INF = float("inf")

Path = tuple[Any, ...]
Item = tuple[str, Any]  # ("row", key) or ("node", path)


@dataclass
class ProtectedColumn:
    about_people: bool
    shown: dict[Hashable, int | str]  # row key -> value or mark
    nodes: dict[Path, int | str]  # group path (root = ()) -> total or mark
    members: dict[Path, list[Hashable]]  # group path -> its row keys (known values only)
    paths: dict[Hashable, Path]

    @property
    def total(self) -> int | str:
        return self.nodes.get((), 0)

    def total_of(self, keys: Iterable[Hashable]) -> int | str:
        """The total of these rows as it may be shown: built from published groups and
        cells only, so it tells nothing the published numbers do not."""
        wanted = {k for k in keys if k in self.paths}
        parts: list[int | str] = []

        def walk(path: Path) -> None:
            rows = set(self.members.get(path, ()))
            if not rows & wanted:
                return
            if rows <= wanted:
                parts.append(self.nodes[path])
                return
            children = {self.paths[k][: len(path) + 1] for k in rows}
            for child in sorted(children, key=str):
                if child == path:
                    continue
                walk(child)
            # Rows attached directly to this group (shorter paths).
            for key in sorted(rows & wanted, key=str):
                if self.paths[key] == path:
                    parts.append(self.shown[key])

        walk(())
        if len(parts) == 1:
            return parts[0]
        if any(isinstance(p, str) for p in parts):
            return MASKED
        return sum(p for p in parts if isinstance(p, int))


@dataclass
class ProtectedTable:
    columns: list[str]
    column: dict[str, ProtectedColumn] = field(default_factory=dict)

    def cell(self, row: Hashable, key: str) -> int | str:
        return self.column[key].shown[row]

    def total_of(self, rows: Iterable[Hashable], key: str) -> int | str:
        return self.column[key].total_of(rows)


def protect_table(
    values: Mapping[str, Mapping[Any, int | None]],
    about_people: Mapping[str, bool],
    paths: Mapping[Any, Path],
) -> ProtectedTable:
    """What may be shown of a table of counts: `values[column][row]`, each row placed in
    nested groups by `paths[row]` (e.g. (kind, province)); every group's total and the
    grand total are published with it."""
    table = ProtectedTable(list(values))
    for key, column in values.items():
        table.column[key] = protect_column(column, paths, about_people.get(key, False))
    return table


def protect_column(
    values: Mapping[Any, int | None], paths: Mapping[Any, Path], about_people: bool
) -> ProtectedColumn:
    rows = list(paths)
    known = {k: int(values[k]) for k in rows if values.get(k) is not None}  # type: ignore[arg-type]
    members: dict[Path, list[Hashable]] = {}
    for k in known:
        path = tuple(paths[k])
        for depth in range(len(path) + 1):
            members.setdefault(path[:depth], []).append(k)
    members.setdefault((), [])
    value: dict[Item, int] = {("row", k): v for k, v in known.items()}
    for path, keys in members.items():
        value[("node", path)] = sum(known[k] for k in keys)
    equations = _equations(members, {k: tuple(paths[k]) for k in known})
    status: dict[Item, str] = {}
    if about_people:
        for item, v in value.items():
            if is_small(v):
                status[item] = SUPPRESSED
        while True:
            bounds = _bounds(value, status, equations)
            exposed = [i for i in _ordered(status) if bounds[i][1] - bounds[i][0] < 0.5]
            if not exposed:
                break
            choices = (_complement(i, value, status, equations) for i in exposed)
            chosen = next((c for c in choices if c is not None), None)
            if chosen is None:
                # Nothing to hide beside any exposed number: hide the smallest visible
                # group total left (it always ends: each turn hides one more number).
                left = [i for i in value if i not in status and value[i] > 0]
                chosen = min(
                    left,
                    key=lambda i: (i[0] != "node", -len(i[1]) if i[0] == "node" else 0, value[i]),
                )
            status[chosen] = MASKED

    def shown(item: Item) -> int | str:
        return status.get(item, value[item])

    return ProtectedColumn(
        about_people=about_people,
        shown={k: (shown(("row", k)) if k in known else UNKNOWN) for k in rows},
        nodes={path: shown(("node", path)) for path in members},
        members=members,
        paths={k: tuple(paths[k]) for k in rows},
    )


def _equations(
    members: Mapping[Path, list[Hashable]], row_paths: Mapping[Hashable, Path]
) -> list[tuple[Item, list[Item]]]:
    """(total, parts): a group is the sum of its sub-groups and of its own rows."""
    equations: list[tuple[Item, list[Item]]] = []
    for path in members:
        parts: list[Item] = [
            ("node", p) for p in members if len(p) == len(path) + 1 and p[: len(path)] == path
        ]
        parts += [("row", k) for k in members[path] if row_paths[k] == path]
        equations.append((("node", path), parts))
    return equations


def _prior(
    item: Item, value: Mapping[Item, int], status: Mapping[Item, str]
) -> tuple[float, float]:
    mark = status.get(item)
    if mark is None:
        return value[item], value[item]
    if mark == SUPPRESSED:
        return 1, SMALL_COUNT - 1
    return SMALL_COUNT, _INF


def _bounds(
    value: Mapping[Item, int],
    status: Mapping[Item, str],
    equations: list[tuple[Item, list[Item]]],
) -> dict[Item, tuple[float, float]]:
    """What a reader can infer of each number: bounds propagated through every equation
    until nothing moves (exact for nested groups, whose equations form a tree)."""
    lo: dict[Item, float] = {}
    hi: dict[Item, float] = {}
    for item in value:
        lo[item], hi[item] = _prior(item, value, status)
    for _round in range(100):
        moved = False
        for total, parts in equations:
            if not parts:
                continue
            sum_lo = sum(lo[p] for p in parts)
            sum_hi = sum(hi[p] for p in parts)
            if sum_lo > lo[total]:
                lo[total], moved = sum_lo, True
            if sum_hi < hi[total]:
                hi[total], moved = sum_hi, True
            for p in parts:
                others_hi = sum_hi - hi[p] if hi[p] != _INF else sum(hi[q] for q in parts if q != p)
                others_lo = sum_lo - lo[p]
                new_lo = lo[total] - others_hi
                new_hi = hi[total] - others_lo
                if new_lo > lo[p]:
                    lo[p], moved = new_lo, True
                if new_hi < hi[p]:
                    hi[p], moved = new_hi, True
            # Refresh the sums for the next equation.
        if not moved:
            break
    return {item: (lo[item], hi[item]) for item in value}


def _ordered(status: Mapping[Item, str]) -> list[Item]:
    return sorted(status, key=lambda i: (i[0] != "row", str(i[1])))


def _complement(
    item: Item,
    value: Mapping[Item, int],
    status: Mapping[Item, str],
    equations: list[tuple[Item, list[Item]]],
) -> Item | None:
    """The number to hide next so that `item` can no longer be worked out: a visible part
    of 5 or more beside it (the smallest: the least information lost), else its total,
    else a part of its own total; None when none is visible."""
    siblings: list[Item] = []
    totals: list[Item] = []
    parts_of_item: list[Item] = []
    for total, parts in equations:
        if item in parts:
            siblings += [p for p in parts if p != item]
            totals.append(total)
        if total == item:
            parts_of_item += parts

    def usable(candidates: list[Item]) -> list[Item]:
        return [c for c in candidates if c not in status and value[c] >= SMALL_COUNT]

    for candidates in (usable(siblings), usable(totals), usable(parts_of_item)):
        if candidates:
            return min(candidates, key=lambda c: (value[c], c[0] != "row", str(c[1])))
    return None
