"""Cross-checked figures: Hypothesis builds worlds (partners shared by both SLSPs with
several agreements each, moments and referrals on both sides of a semester boundary,
households that moved) and every output of a figure must agree with a plain count made
here in Python: the semestrial report (snapshot and PDF text), the regional table page,
its CSV and XLSX, the drill-down and the regional report's line."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.accompaniment.models import Moment, MomentKind
from apps.core.periods import Semester
from apps.partners.models import Agreement, SlspPartner
from apps.referrals.models import Referral
from apps.reports import documents, indicators, regional_report, services
from apps.reports.models import RegionalReport
from apps.tenants.models import Tenancy
from tests.partners.factories import AgreementFactory, PartnerFactory, SlspPartnerFactory
from tests.referrals.factories import make_sent_referral, referral_setup
from tests.tenants.factories import TenancyFactory, make_household

pytestmark = pytest.mark.django_db
NOW = Semester.current()
PREVIOUS = NOW.previous()
TODAY = timezone.localdate()


def plain(slsp, semester: Semester) -> dict[str, int]:
    """The figures counted row by row, without the apps' aggregate queries."""
    on = min(semester.end, TODAY)
    with scopes_disabled():
        links = [link for link in SlspPartner.objects.filter(slsp=slsp) if link.since <= on]
        agreements = [
            a for a in Agreement.objects.filter(slsp=slsp) if a.start_date <= on <= a.end_date
        ]
        moments = [m for m in Moment.objects.filter(slsp=slsp) if semester.contains(m.date)]
        sent = [
            r
            for r in Referral.objects.filter(slsp=slsp)
            if r.sent_at and semester.contains(timezone.localtime(r.sent_at).date())
        ]
        new = {
            t.household_id
            for t in Tenancy.objects.filter(slsp=slsp)
            if semester.contains(t.start_date)
        }
    return {
        "partenaires": len({link.partner_id for link in links}),
        "conventions": len(agreements),
        "moments": len(moments),
        "orientations": len(sent),
        "nouveaux_menages": len(new),
    }


def _day(semester: Semester, offset: int) -> datetime.date:
    # Near the boundary between the previous semester and this one, never in the future.
    day = (
        semester.start + datetime.timedelta(days=offset)
        if offset >= 0
        else (semester.start - datetime.timedelta(days=-offset))
    )
    return min(day, TODAY)


world_spec = st.fixed_dictionaries(
    {
        "partners": st.lists(
            st.tuples(st.booleans(), st.booleans(), st.integers(0, 3), st.integers(0, 2)),
            min_size=1,
            max_size=4,
        ),
        "moments": st.lists(st.integers(-3, 3), max_size=6),
        "referrals": st.lists(st.integers(-3, 3), max_size=3),
        "moved": st.integers(0, 2),
    }
)


def build(world, spec):
    a, b = world.slsp_a, world.slsp_b
    user = world.users["referent_a"]
    with scopes_disabled():
        for in_a, in_b, agreements_a, agreements_b in spec["partners"]:
            partner = PartnerFactory()
            if in_a:
                SlspPartnerFactory(slsp=a, partner=partner)
            if in_b:
                SlspPartnerFactory(slsp=b, partner=partner)
            for _ in range(agreements_a):
                AgreementFactory(slsp=a, partner=partner)
            for _ in range(agreements_b):
                AgreementFactory(slsp=b, partner=partner)
        household = make_household(a, start_date=_day(NOW, -200))
        for offset in spec["moments"]:
            Moment.objects.create(
                slsp=a,
                household=household,
                kind=MomentKind.PHONE,
                date=_day(NOW, offset),
                author=user,
            )
        for _ in range(spec["moved"]):
            # A household that moved: a tenancy begun last semester, another this one.
            moved = make_household(a, start_date=_day(NOW, -20))
            TenancyFactory(slsp=a, household=moved, start_date=_day(NOW, 1))
    for offset in spec["referrals"]:
        setup = referral_setup(a, user)
        referral = make_sent_referral(setup, user)
        when = timezone.make_aware(datetime.datetime.combine(_day(NOW, offset), datetime.time(9)))
        with scopes_disabled():
            Referral.objects.filter(pk=referral.pk).update(sent_at=when)


def _csv_xlsx(client, key_label):
    raw = client.get(reverse("reports:region_csv")).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(raw), delimiter=";"))
    col = lines[0].index(key_label)
    from_csv = {line[0]: line[col] for line in lines[1:-1]}
    book = load_workbook(io.BytesIO(client.get(reverse("reports:region_xlsx")).content))
    rows = list(book.active.iter_rows(values_only=True))
    col = list(rows[0]).index(key_label)
    from_xlsx = {r[0]: str(r[col]) for r in rows[1:-1]}
    return from_csv, from_xlsx


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=world_spec)
def test_every_output_agrees_with_a_plain_count(world, client_for, spec):
    from django.core.cache import cache

    cache.clear()
    with scopes_disabled():
        for model in (Referral, Moment, Agreement, SlspPartner):
            model.objects.filter(slsp__in=[world.slsp_a, world.slsp_b]).delete()
    build(world, spec)
    a = world.slsp_a
    coordinator = client_for("coordinateur")
    table = coordinator.get(reverse("reports:region")).context["table"]
    keys = [c.key for c in table.columns]
    row = next(r for r in table.rows if r.slsp.pk == a.pk)
    facts = {
        c.key: v
        for c, v in coordinator.get(
            reverse("reports:slsp_overview", kwargs={"uuid": a.uuid})
        ).context["facts"]
    }
    labels = {c.key: str(c.label) for c in table.columns}
    for semester in (PREVIOUS, NOW):
        expected = plain(a, semester)
        with scopes_disabled():
            snapshot = indicators.compute(a.pk, semester.year, semester.half)
            RegionalReport.objects.all().delete()
            build_row = RegionalReport.objects.create(
                year=semester.year, semester=semester.half, slsp_count=2
            )
            line = regional_report.slsp_figures(build_row.pk, a.pk, semester.year, semester.half)
        assert snapshot["partners"]["linked"] == expected["partenaires"] == line["partenaires"]
        assert snapshot["partners"]["agreements_active"] == expected["conventions"]
        assert snapshot["moments_total"] == expected["moments"] == line["moments"]
        assert sum(r["count"] for r in snapshot["moments_by_kind"]) == expected["moments"]
        assert snapshot["referrals"]["total"] == expected["orientations"] == line["orientations"]
        assert snapshot["welcome"]["new_households"] == expected["nouveaux_menages"]
        if semester == NOW:
            for key in ("partenaires", "conventions", "moments"):
                shown = row.values[keys.index(key)]
                assert shown == expected[key] == facts[key], key
                from_csv, from_xlsx = _csv_xlsx(coordinator, labels[key])
                assert from_csv[a.official_name] == from_xlsx[a.official_name] == str(shown)
            # A count about people: the number, or a mark, never a wrong number.
            shown = row.values[keys.index("orientations")]
            assert shown == expected["orientations"] or isinstance(shown, str)
    # The semestrial PDF prints the same figures (text read back with pypdf).
    with scopes_disabled():
        report, _created = services.open_report(a, NOW.year, NOW.half, None)
        report = services.refresh_indicators(report)
        text = " ".join(
            page.extract_text()
            for page in PdfReader(io.BytesIO(documents.semester_pdf(report))).pages
        )
    flat = " ".join(text.split())
    expected = plain(a, NOW)
    assert re.search(rf"Partenaires dans le réseau {expected['partenaires']}\b", flat), flat
    assert re.search(rf"Aucun moment sur la période|Total {expected['moments']}\b", flat)
