"""Property: import a random export, change it the way exports change (members leave,
lease starts and name accents corrected, references re-cased or stripped of their
zeros, households removed), re-import it as a full export: the database then holds
what a direct load of the changed file holds."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django_scopes import scope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.tenants import importer
from apps.tenants.models import Household, Member, Tenancy, reference_key
from tests.slsps.factories import SlspFactory
from tests.tenants.test_import_sync import HEADER

pytestmark = pytest.mark.django_db

# Plain spellings and their corrected form (an accent fixed in the export).
FIRST_NAMES = {"Helene": "Hélène", "Zoe": "Zoé", "Noel": "Noël", "Anne": "Anne", "Eva": "Éva"}
CATEGORIES = ["social", "moyen", "insertion", "transit"]


@st.composite
def exports(draw):
    count = draw(st.integers(1, 6))
    numbers = draw(st.lists(st.integers(1, 99_999), min_size=count, max_size=count, unique=True))
    households = []
    for index, number in enumerate(numbers):
        style = draw(st.sampled_from(["zeros", "lower"]))
        reference = f"{number:06d}" if style == "zeros" else f"ab-{number}"
        names = draw(
            st.lists(st.sampled_from(sorted(FIRST_NAMES)), min_size=1, max_size=4, unique=True)
        )
        households.append(
            {
                "reference": reference,
                "last": f"Nom{index}",
                "members": [(n, 1950 + 10 * i) for i, n in enumerate(names)],
                "address": f"Rue {index}",
                "category": draw(st.sampled_from(CATEGORIES)),
                "start": datetime.date(2010, 1, 1)
                + datetime.timedelta(days=draw(st.integers(0, 3000))),
                "accompanied": draw(st.booleans()),
            }
        )
    return households


@st.composite
def mutations(draw, households):
    changed = []
    for household in households:
        if draw(st.integers(0, 5)) == 0:
            continue  # removed from the export
        household = dict(household, members=list(household["members"]))
        if len(household["members"]) > 1 and draw(st.booleans()):
            household["members"].pop(draw(st.integers(0, len(household["members"]) - 1)))
        if draw(st.booleans()):
            household["members"] = [(FIRST_NAMES[n], y) for n, y in household["members"]]
        if draw(st.booleans()):
            household["start"] += datetime.timedelta(days=draw(st.integers(-20, 20)))
        spelling = draw(st.sampled_from(["same", "upper", "no_zeros"]))
        if spelling == "upper":
            household["reference"] = household["reference"].upper()
        elif spelling == "no_zeros":
            household["reference"] = household["reference"].lstrip("0")
        changed.append(household)
    return changed


def as_csv(households) -> bytes:
    lines = [";".join(HEADER)]
    for h in households:
        for index, (first, year) in enumerate(h["members"]):
            values = {
                "reference": h["reference"],
                "nom": h["last"],
                "prenom": first,
                "annee_naissance": str(year),
                "lien": "titulaire" if index == 0 else "enfant",
                "adresse": h["address"],
                "code_postal": "5000",
                "commune": "Namur",
                "cite": "",
                "categorie": h["category"],
                "debut_bail": h["start"].strftime("%d/%m/%Y"),
                "fin_bail": "",
                "accompagne": "oui" if h["accompanied"] else "non",
                "public": "",
                "langue": "fr",
            }
            lines.append(";".join(values[c] for c in HEADER))
    return ("\n".join(lines) + "\n").encode()


def current_state(slsp) -> dict:
    """Households with a current lease, by reference key: what a référent sees."""
    state = {}
    for household in Household.objects.filter(slsp=slsp):
        leases = list(
            Tenancy.objects.filter(household=household, end_date__isnull=True).values_list(
                "unit__address", "start_date", "category", "accompanied", "public"
            )
        )
        if not leases:
            continue
        members = sorted(
            Member.objects.filter(household=household, left_on__isnull=True).values_list(
                "first_name", "last_name", "birth_year", "relation"
            )
        )
        state[reference_key(household.reference)] = (
            household.display_name,
            household.size,
            household.language,
            leases,
            members,
        )
    return state


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_reimported_export_equals_a_direct_load_of_it(data):
    original = data.draw(exports())
    changed = data.draw(mutations(original))
    with transaction.atomic():
        synced, direct = SlspFactory(), SlspFactory()
        with scope(slsp=[synced.pk, direct.pk]):
            importer.apply(synced, importer.read_rows(as_csv(original)))
            rows = importer.read_rows(as_csv(changed))
            closing = len(importer.plan(synced, rows, full=True).to_end)
            importer.apply(synced, rows, full=True, confirm_end=True, confirmed_count=closing)
            importer.apply(direct, importer.read_rows(as_csv(changed)))
            assert current_state(synced) == current_state(direct)
            # And a third import of the same file changes nothing.
            again = importer.plan(synced, rows, full=True)
            assert {p.action for p in again.plans} <= {"unchanged"} and not again.to_end
        transaction.set_rollback(True)
