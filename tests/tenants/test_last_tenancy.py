"""LastTenancy (each household's latest tenancy, kept by database triggers) always
equals what a plain query of the tenancies gives, whatever writes them: one by one, in
bulk, a moved start date or household, deletions (one, all, cascades) and a rebuild.
Deferred foreign keys are checked at every step, as a commit would."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.tenants import services
from apps.tenants.models import Category, Household, LastTenancy, Tenancy
from tests.slsps.factories import SlspFactory
from tests.tenants.factories import HouseholdFactory, HousingUnitFactory, TenancyFactory

pytestmark = pytest.mark.django_db

COLUMNS = ("tenancy_id", "slsp_id", "unit_id", "category", "start_date", "end_date")


def stored() -> dict:
    with scopes_disabled():
        return {row[0]: row[1:] for row in LastTenancy.objects.values_list("household", *COLUMNS)}


def expected() -> dict:
    """The latest tenancy of each household, by start date, read from the tenancies."""
    latest = {}
    with scopes_disabled():
        for t in Tenancy.objects.order_by("household_id", "start_date", "pk"):
            latest[t.household_id] = (
                t.pk,
                t.slsp_id,
                t.unit_id,
                t.category,
                t.start_date,
                t.end_date,
            )
    return latest


def check():
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    assert stored() == expected()


def tenancy(household, day, **kwargs):
    return TenancyFactory.build(
        slsp=household.slsp,
        household=household,
        unit=HousingUnitFactory(slsp=household.slsp),
        start_date=day,
        **kwargs,
    )


def test_latest_tenancy_follows_every_kind_of_write(world):
    with scopes_disabled():
        a = HouseholdFactory(slsp=world.slsp_a)
        b = HouseholdFactory(slsp=world.slsp_a)
        old = tenancy(a, datetime.date(2015, 1, 1), end_date=datetime.date(2019, 12, 31))
        old.save()
        check()
        assert stored()[a.pk][0] == old.pk
        # A later tenancy takes over; an earlier one written afterwards does not.
        new = tenancy(a, datetime.date(2020, 1, 1), category=Category.TRANSIT)
        new.save()
        tenancy(a, datetime.date(2010, 1, 1), end_date=datetime.date(2014, 12, 31)).save()
        check()
        assert stored()[a.pk][0] == new.pk
        # Many households in one statement.
        Tenancy.objects.bulk_create(
            [tenancy(b, datetime.date(2018, 1, 1)), tenancy(b, datetime.date(2021, 6, 1))]
            + [tenancy(HouseholdFactory(slsp=world.slsp_b), datetime.date(2022, 1, 1))]
        )
        check()
        # A corrected column, a corrected start date, a bulk update.
        new.category = Category.SOCIAL
        new.end_date = datetime.date(2025, 1, 1)
        new.save()
        check()
        assert stored()[a.pk][3:] == (Category.SOCIAL, new.start_date, new.end_date)
        old.start_date = datetime.date(2024, 1, 1)
        old.end_date = None
        old.save()
        check()
        assert stored()[a.pk][0] == old.pk
        Tenancy.objects.filter(household=b).update(category=Category.MOYEN)
        check()
        # A tenancy moved to another household (a data fix) leaves one, reaches the other.
        Tenancy.objects.filter(pk=old.pk).update(household=b)
        check()
        assert stored()[a.pk][0] == new.pk and stored()[b.pk][0] == old.pk
        # Deletions: the latest, then every tenancy of a household, then a household.
        old.delete()
        check()
        Tenancy.objects.filter(household=a).delete()
        check()
        assert a.pk not in stored()
        b.delete()
        check()
        assert stored()


def test_a_household_saved_from_a_stale_instance_keeps_its_latest_tenancy(world):
    with scopes_disabled():
        household = HouseholdFactory(slsp=world.slsp_a)
        stale = Household.objects.get(pk=household.pk)
        latest = tenancy(household, datetime.date(2023, 1, 1))
        latest.save()
        stale.display_name = "Ménage renommé"
        stale.save()
        check()
        assert stored()[household.pk][0] == latest.pk


def test_deleting_an_slsp_with_its_households_leaves_no_row(world):
    with scopes_disabled():
        slsp = SlspFactory(official_name="SLSP supprimée")
        household = HouseholdFactory(slsp=slsp)
        tenancy(household, datetime.date(2023, 1, 1)).save()
        check()
        slsp.delete()
        check()
        assert household.pk not in stored()


def test_rebuild_refills_writes_that_bypassed_the_triggers(world):
    with scopes_disabled():
        household = HouseholdFactory(slsp=world.slsp_a)
        tenancy(household, datetime.date(2020, 1, 1)).save()
        # As the scale seed's COPY does on the fast path.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        tenancy(household, datetime.date(2024, 1, 1)).save()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        assert stored() != expected()
        services.rebuild_last_tenancies()
        check()


def test_the_list_shows_the_latest_tenancy_and_flags_an_ended_one(client_for, world):
    today = datetime.date.today()
    with scopes_disabled():
        current = HouseholdFactory(slsp=world.slsp_a, display_name="Ménage Actuel")
        tenancy(current, today - datetime.timedelta(days=30), category=Category.TRANSIT).save()
        gone = HouseholdFactory(slsp=world.slsp_a, display_name="Ménage Parti")
        left = tenancy(gone, datetime.date(2019, 1, 1), end_date=today - datetime.timedelta(days=1))
        left.save()
        HouseholdFactory(slsp=world.slsp_a, display_name="Ménage Sans Bail")
    html = client_for("referent_a").get(reverse("tenants:households")).content.decode()
    rows = {}
    for row in html.split("<tr>")[2:]:
        row = row.split("</tr>")[0]
        rows[row.split("</a>")[0].rsplit(">", 1)[-1]] = row
    assert "Transit" in rows["Ménage Actuel"] and "bail terminé" not in rows["Ménage Actuel"]
    assert left.unit.address in rows["Ménage Parti"] and "bail terminé" in rows["Ménage Parti"]
    assert rows["Ménage Sans Bail"].count("—") == 4
    assert "bail terminé" not in rows["Ménage Sans Bail"]
