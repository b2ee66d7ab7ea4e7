"""Disclosure control of whole tables: nothing hidden can be worked out from what is shown.

Hypothesis generates columns of counts in nested groups (real/demo SLSPs, provinces) and
filtered views over them; the adversary in disclosure_audit solves, for each hidden
number, its min and max over every published equation and bound: it must never find
a single value.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.core.disclosure import MASKED, SUPPRESSED, UNKNOWN, protect_table
from tests.core.disclosure_audit import derivable, intervals

KINDS = ("reelles", "demo")
PROVINCES = ("BW", "HT", "LG", "NA")

count = st.one_of(
    st.just(0), st.integers(1, 4), st.integers(5, 12), st.integers(13, 400), st.none()
)


@st.composite
def worlds(draw):
    n = draw(st.integers(1, 24))
    paths = {i: (draw(st.sampled_from(KINDS)), draw(st.sampled_from(PROVINCES))) for i in range(n)}
    values = {i: draw(count) for i in range(n)}
    filters = draw(st.lists(st.sets(st.integers(0, n - 1), min_size=1), max_size=4))
    return paths, values, filters


def published_of(column, paths, filters):
    """Every number a coordinator sees of one column: cells, group totals (the filters
    of the table), the regional total, and free filtered totals."""
    out = [(frozenset([k]), v) for k, v in column.shown.items()]
    groups = []
    for path, members in column.members.items():
        groups.append(frozenset(members))
        out.append((frozenset(members), column.nodes[path]))
    # Filters by province alone (both kinds): composed totals.
    for province in PROVINCES:
        rows = [k for k, p in paths.items() if p[1] == province]
        out.append(
            (frozenset(k for k in rows if column.shown[k] != UNKNOWN), column.total_of(rows))
        )
    for rows in filters:
        out.append(
            (frozenset(k for k in rows if column.shown[k] != UNKNOWN), column.total_of(rows))
        )
    return out, groups


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_no_hidden_count_can_be_derived(world):
    paths, values, filters = world
    table = protect_table({"people": values}, {"people": True}, paths)
    column = table.column["people"]
    published, groups = published_of(column, paths, filters)
    assert derivable(published, groups) == []
    # Primary suppression: every count of 1 to 4 is hidden, everywhere.
    for k, v in values.items():
        if v is not None and 1 <= v <= 4:
            assert column.shown[k] == SUPPRESSED
        if v is None:
            assert column.shown[k] == UNKNOWN
    # The truth is consistent with what is shown (no lie in a mark or a total).
    for rows, shown in published:
        truth = sum(values[k] for k in rows if values[k] is not None)
        if isinstance(shown, int):
            assert shown == truth
        elif shown == SUPPRESSED:
            assert 1 <= truth <= 4
        elif shown == MASKED and len(rows) == 1:
            assert truth >= 5


@given(worlds())
@settings(max_examples=100, deadline=None)
def test_counts_not_about_people_are_shown_as_they_are(world):
    paths, values, _filters = world
    column = protect_table({"n": values}, {"n": False}, paths).column["n"]
    for k, v in values.items():
        assert column.shown[k] == (UNKNOWN if v is None else v)
    assert column.total == sum(v for v in values.values() if v is not None)


def test_the_adversary_finds_what_the_old_rule_leaked():
    """Only primary suppression (the rule before): a "<5" beside a total is derivable."""
    published = [
        (frozenset([1]), SUPPRESSED),
        (frozenset([2]), 7),
        (frozenset([1, 2]), 10),
    ]
    assert derivable(published) == [(frozenset([1]), (3.0, 3.0))]


def test_unknown_values_stay_out_of_totals():
    paths = {1: ("reelles", "NA"), 2: ("reelles", "NA"), 3: ("reelles", "NA")}
    column = protect_table({"n": {1: 10, 2: None, 3: 20}}, {"n": False}, paths).column["n"]
    assert column.shown[2] == UNKNOWN and column.total == 30
    assert column.total_of([1, 2]) == 10


def test_a_small_total_is_hidden_and_its_parts_cannot_be_added_up():
    paths = {1: ("reelles", "NA"), 2: ("reelles", "LG")}
    column = protect_table({"n": {1: 2, 2: 1}}, {"n": True}, paths).column["n"]
    assert column.total == SUPPRESSED
    published, groups = published_of(column, paths, [])
    assert all(hi - lo >= 1 for lo, hi in intervals(published, groups).values())
