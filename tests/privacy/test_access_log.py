"""The access log: append-only (ORM and database), the direction's viewer."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.accounts import audit
from apps.accounts.models import AccessLog, AppendOnlyError
from tests.privacy.factories import LAST_NAME, REASON, make_rich_household

pytestmark = pytest.mark.django_db
URL = reverse("privacy:access_log")


def entry(world, **extra):
    return AccessLog.objects.create(
        user=world.users["referent_a"],
        slsp=world.slsp_a,
        object_type="tenants.household",
        object_id="x",
        view_name="tenants:household",
        path="/menages/x/",
        **extra,
    )


# --- Append-only -------------------------------------------------------------


def test_the_orm_cannot_change_or_delete_a_row(world):
    row = entry(world)
    row.reason = "réécrit"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=row.pk).update(reason="réécrit")
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=row.pk).delete()
    row.refresh_from_db()
    assert row.reason == ""


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE accounts_accesslog SET reason = 'réécrit' WHERE id = %s",
        "DELETE FROM accounts_accesslog WHERE id = %s",
    ],
)
def test_raw_sql_update_or_delete_fails_in_postgresql(world, sql):
    row = entry(world)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [row.pk])
    assert AccessLog.objects.filter(pk=row.pk, reason="").exists()


def test_only_the_purge_detaches_rows_and_the_flag_ends_with_it(world):
    row = entry(world, subject_household=42, reason="motif")
    other = entry(world, subject_household=43, reason="autre")
    assert audit.detach_household(42) == 1
    row.refresh_from_db()
    other.refresh_from_db()
    assert (row.subject_household, row.reason, row.object_id, row.path) == (None, "", "", "")
    assert (other.subject_household, other.reason) == (43, "autre")
    # Still inside the same (test) transaction: the table is append-only again.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM accounts_accesslog WHERE id = %s", [other.pk])


def test_log_access_records_the_household_of_the_record(world, client_for):
    household = make_rich_household(world.slsp_a, world.users["referent_a"])
    client = client_for("referent_a")
    client.get(reverse("tenants:household", kwargs={"uuid": household.uuid}))
    with scopes_disabled():
        moment = household.moments.exclude(sensitivity="").get()
    client.post(
        reverse("accompaniment:moment_sensitive", kwargs={"uuid": moment.uuid}),
        {"reason": "Préparer la visite de demain"},
    )
    rows = AccessLog.objects.filter(user=world.users["referent_a"]).order_by("-at", "-pk")[:2]
    assert [r.subject_household for r in rows] == [household.pk, household.pk]
    assert {r.object_type for r in rows} == {"tenants.household", "accompaniment.moment"}


# --- The direction's viewer ------------------------------------------------------


def test_direction_reads_its_slsp_log_only(world, client_for):
    mine = make_rich_household(world.slsp_a, world.users["referent_a"])
    make_rich_household(world.slsp_b, world.users["referent_b"])
    response = client_for("direction_a").get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert REASON in html
    assert f"Ménage {LAST_NAME}" in html
    assert str(mine.uuid) in html
    rows = list(response.context["page"])
    assert len(rows) == 2
    assert {r.slsp_id for r in rows} == {world.slsp_a.pk}
    assert "no-store" in response["Cache-Control"]


def test_filters_by_user_household_and_period(world, client_for):
    first = make_rich_household(world.slsp_a, world.users["referent_a"])
    second = make_rich_household(world.slsp_a, world.users["accompagnateur_a"])
    with scopes_disabled():
        second.display_name = "Ménage Autre"
        second.reference = "REF-AUTRE-77"
        second.save(update_fields=["display_name", "reference"])
    entry(world, subject_household=first.pk)
    AccessLog.objects.create(
        at=timezone.now() - datetime.timedelta(days=40),
        user=world.users["direction_a"],
        slsp=world.slsp_a,
        object_type="tenants.household",
        object_id=str(first.uuid),
        view_name="tenants:household",
        path="/",
        subject_household=first.pk,
    )
    client = client_for("direction_a")

    def rows(**query):
        response = client.get(URL, query)
        assert response.status_code == 200
        return list(response.context["page"])

    assert len(rows()) == 6
    by_user = rows(user=world.users["accompagnateur_a"].pk)
    assert len(by_user) == 2 and all(r.subject_household == second.pk for r in by_user)
    assert len(rows(menage=str(second.uuid))) == 2
    assert len(rows(menage="REF-AUTRE")) == 2
    assert len(rows(menage="zéphyrine")) == 6  # a member's first name (both households)
    today = timezone.localdate()
    recent = rows(period_after=(today - datetime.timedelta(days=7)).isoformat())
    assert len(recent) == 5
    ancient = rows(period_before=(today - datetime.timedelta(days=30)).isoformat())
    assert len(ancient) == 1 and ancient[0].user == world.users["direction_a"]


@pytest.mark.parametrize(
    "query",
    [
        {"user": "999999"},
        {"user": "pas-un-nombre"},
        {"period_after": "32/13/2026", "period_before": "demain"},
        {"menage": "'; DROP TABLE accounts_accesslog; --"},
        {"menage": "\x00"},
        {"page": "9999"},
        {"page": "-1"},
    ],
)
def test_bad_filter_input_never_answers_500(world, client_for, query):
    make_rich_household(world.slsp_a, world.users["referent_a"])
    response = client_for("direction_a").get(URL, query)
    assert response.status_code == 200


def test_a_user_of_another_slsp_is_not_a_filter_choice(world, client_for):
    response = client_for("direction_a").get(URL, {"user": world.users["referent_b"].pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sélectionnez un choix valide" in html
    assert world.users["referent_b"].email not in html


def test_query_count_does_not_grow_with_rows(world, client_for):
    from django.test.utils import CaptureQueriesContext

    client = client_for("direction_a")
    filtered = {"menage": LAST_NAME, "user": world.users["referent_a"].pk}

    def count(query):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, query)
        return len(queries), len(response.context["page"])

    make_rich_household(world.slsp_a, world.users["referent_a"])
    few = count({}), count(filtered)
    for _ in range(4):
        make_rich_household(world.slsp_a, world.users["referent_a"])
    many = count({}), count(filtered)
    assert (few[0][1], many[0][1]) == (2, 10)
    assert few[0][0] == many[0][0]
    assert few[1][0] == many[1][0]


def test_pages_of_fifty(world, client_for):
    AccessLog.objects.bulk_create(
        AccessLog(
            user=world.users["referent_a"],
            slsp=world.slsp_a,
            object_type="tenants.household",
            object_id=str(n),
            view_name="v",
            path="/",
        )
        for n in range(60)
    )
    client = client_for("direction_a")
    assert len(client.get(URL).context["page"]) == 50
    assert len(client.get(URL, {"page": 2}).context["page"]) == 10
