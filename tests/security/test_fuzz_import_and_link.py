"""Hostile input at scale on the two entry points the form fuzzer cannot reach with
random fields: the rental-management import (a whole file, its workbook structure
included) and the partner's public link (a token in the URL). Never a 500, never
half-saved data, never a large allocation.

FUZZ_EXAMPLES raises the volume (default 15 per test, as tests/security/test_fuzz_forms.py)."""

import csv
import io
import os

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.referrals import services as referrals
from apps.referrals.models import Referral, ReferralEvent, ReferralLink, ReferralStatus
from apps.tenants.importer import COLUMNS
from apps.tenants.models import Household, Member, Tenancy
from apps.tenants.reading import LINE
from tests.referrals.factories import make_sent_referral, referral_setup

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

junk = st.text(max_size=30)
CELLS = {
    "reference": st.sampled_from(["F-1", "F-2", "F-3", "", "F-1 ", "f-1"]) | junk,
    "annee_naissance": st.sampled_from(["1980", "2030", "1700", "abc", ""]) | junk,
    "code_postal": st.sampled_from(["5000", "99999", "", "50O0"]) | junk,
    "categorie": st.sampled_from(["social", "transit", "insertion", "moyen", "palais", ""]),
    "debut_bail": st.sampled_from(["01/03/2024", "31/02/2024", "2024-03-01", "", "32/13/1999"]),
    "fin_bail": st.sampled_from(["", "01/01/2023", "31/12/2030", "hier"]),
    "accompagne": st.sampled_from(["oui", "non", "", "peut-être"]),
    "langue": st.sampled_from(["fr", "de", "nl", "", "xx"]),
}


def row_strategy():
    return st.fixed_dictionaries({column: CELLS.get(column, junk) for column in COLUMNS})


def as_file(rows, encoding, separator):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), delimiter=separator)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


def household_invariants(slsp):
    """Imported households are whole: each has a tenancy and at least one member."""
    with scopes_disabled():
        households = Household.objects.filter(slsp=slsp)
        assert not households.exclude(pk__in=Tenancy.objects.values("household")).exists()
        assert not households.exclude(pk__in=Member.objects.values("household")).exists()


def test_hostile_rental_exports_never_answer_500_nor_half_save(world):
    client = world.client_for("referent_a")

    @FUZZ
    @given(
        rows=st.lists(row_strategy(), min_size=1, max_size=6),
        encoding=st.sampled_from(["utf-8", "cp1252", "latin-1"]),
        separator=st.sampled_from([";", ","]),
        full=st.booleans(),
    )
    def run(rows, encoding, separator, full):
        data = {"slsp": world.slsp_a.pk, "full_export": "on" if full else ""}
        upload = io.BytesIO(as_file(rows, encoding, separator))
        upload.name = "export.csv"
        response = client.post(reverse("tenants:import"), {**data, "file": upload})
        assert response.status_code < 500
        if response.status_code == 302:
            preview = response["Location"]
            assert client.get(preview).status_code < 500
            applied = client.post(preview, {"confirm_end": "on"})
            assert applied.status_code < 500
        household_invariants(world.slsp_a)

    run()


cell_refs = st.tuples(st.integers(1, 16_384), st.integers(1, 1_048_576))


def test_hostile_workbook_structures_are_read_small_or_refused_in_french():
    """Far cells, false dimensions, rows out of order or repeated: the reader either
    returns at most MAX_ROWS rows of known columns or refuses with its French message,
    never an exception of openpyxl's and never a large allocation."""
    import tracemalloc

    from apps.tenants import importer
    from tests.tenants.test_import_limits import HEADER, column, row_xml, with_sheet

    @FUZZ
    @given(
        dimension=st.sampled_from(["", "A1:XFD1048576", "A1048576:XFD1048576", "A1:A1", "Z"])
        | st.builds(lambda a, b: f"A1:{column(a[0])}{b}", cell_refs, st.integers(1, 1_048_576)),
        cells=st.lists(st.tuples(cell_refs, junk), max_size=8),
    )
    def run(dimension, cells):
        parts = [row_xml(1, HEADER)]
        for (col, row), value in cells:
            text = "".join(c for c in value if c.isalnum())
            parts.append(
                f'<row r="{row}"><c r="{column(col)}{row}" t="inlineStr"><is><t>{text}</t>'
                "</is></c></row>"
            )
        data = with_sheet(iter(parts), dimension=dimension)
        tracemalloc.start()
        try:
            rows = importer.read_rows(data)
        except importer.ImportFileError as exc:
            assert str(exc)
        else:
            assert len(rows) <= importer.limit("MAX_ROWS")
            # Known columns only, besides the line number the reader adds to every row.
            assert all(set(r) <= {*COLUMNS, LINE} for r in rows)
        finally:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        assert peak < 50 * 1024 * 1024

    run()


def test_hostile_partner_links_never_answer_500_nor_change_a_referral(world):
    user = world.users["referent_a"]
    referral = make_sent_referral(referral_setup(world.slsp_a, user), user)
    with scopes_disabled():
        link = ReferralLink.objects.get(referral=referral)
        valid = referrals.make_token(link)
    client = world.client_for("anonymous")
    token_chars = st.characters(
        whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters="-_:."
    )

    @FUZZ
    @given(
        token=st.text(token_chars, min_size=1, max_size=120)
        | st.builds(lambda cut, tail: valid[:cut] + tail, st.integers(0, len(valid)), junk),
        action=st.sampled_from(["accept", "refuse", "start", "close", "", "delete"]) | junk,
        note=junk,
    )
    def run(token, action, note):
        if not token or "/" in token or token == valid:
            return
        with scopes_disabled():
            before = (Referral.objects.get(pk=referral.pk).status, ReferralEvent.objects.count())
        url = reverse("referrals:referral_link", kwargs={"uuid": referral.uuid, "token": token})
        assert client.get(url).status_code in (404, 410)
        assert client.post(url, {"action": action, "note": note}).status_code in (404, 410)
        with scopes_disabled():
            after = (Referral.objects.get(pk=referral.pk).status, ReferralEvent.objects.count())
        assert after == before

    run()

    # With the real token, hostile answers are refused or applied whole, never a 500.
    @FUZZ
    @given(
        action=st.sampled_from(["accept", "refuse", "start", "close", "", "delete"]) | junk,
        outcome=st.sampled_from(["", "x"]) | junk,
        note=junk,
    )
    def answer(action, outcome, note):
        url = reverse("referrals:referral_link", kwargs={"uuid": referral.uuid, "token": valid})
        response = client.post(url, {"action": action, "outcome": outcome, "note": note})
        assert response.status_code < 500
        with scopes_disabled():
            assert Referral.objects.get(pk=referral.pk).status in ReferralStatus.values

    answer()
