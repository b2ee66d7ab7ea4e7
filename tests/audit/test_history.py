"""Trigger-based history: every write is recorded, bulk and raw SQL too,
with the user of the request, and the history cannot be rewritten by the application."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.accompaniment import services
from apps.accompaniment.models import Domain, FollowUp, Moment, MomentKind
from apps.audit.models import TRACKED
from tests.tenants.factories import make_household

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def follow_up(world):
    user = world.users["referent_a"]
    with scopes_disabled():
        household = make_household(world.slsp_a)
    with scope(slsp=[world.slsp_a.pk]):
        services.record_consent(household, user, given_on=TODAY, covers_follow_up=True)
        return services.open_follow_up(
            household, user, domains=[Domain.IMPAYES], objective="Tenir le plan"
        )


def history_of(obj):
    from django.apps import apps

    model = apps.get_model("audit", f"{type(obj).__name__}History")
    return list(model.objects.filter(pgh_obj_id=obj.pk).order_by("pgh_id"))


def test_every_audited_model_has_a_history_model():
    from django.apps import apps

    names = {m.__name__ for m in apps.get_app_config("audit").get_models()}
    assert names == {f"{model.__name__}History" for model in TRACKED}


def test_bulk_update_and_raw_sql_are_recorded(world, follow_up):
    with scopes_disabled():
        FollowUp.objects.filter(pk=follow_up.pk).update(objective="Plan revu (bulk)")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accompaniment_followup SET objective = %s WHERE id = %s",
            ["Plan revu (SQL)", follow_up.pk],
        )
    events = history_of(follow_up)
    assert [e.pgh_label for e in events] == ["insert", "update", "update"]
    assert [e.objective for e in events] == ["Tenir le plan", "Plan revu (bulk)", "Plan revu (SQL)"]


def test_history_is_append_only(world, follow_up):
    table = history_of(follow_up)[0]._meta.db_table
    for sql in (f"UPDATE {table} SET objective = 'falsifié'", f"DELETE FROM {table}"):  # noqa: S608
        with pytest.raises(DatabaseError), transaction.atomic():
            connection.cursor().execute(sql)
    assert history_of(follow_up)[0].objective == "Tenir le plan"


def test_a_write_through_a_page_records_who_made_it(world, follow_up):
    client = world.client_for("referent_a")
    response = client.post(
        reverse("accompaniment:moment_create", kwargs={"uuid": follow_up.household.uuid}),
        {
            "moment-kind": MomentKind.PHONE,
            "moment-date": TODAY.isoformat(),
            "moment-duration_minutes": 20,
            "moment-follow_up": follow_up.pk,
            "moment-note": "Appel de suivi",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        moment = Moment.objects.get(note="Appel de suivi")
    (event,) = history_of(moment)
    assert event.pgh_label == "insert"
    assert event.pgh_context.metadata["user"] == world.users["referent_a"].pk
    assert event.pgh_context.metadata["url"].endswith("/moment/")


def test_deleting_a_record_keeps_its_history(world, follow_up):
    with scopes_disabled():
        moment = Moment.objects.create(
            slsp=world.slsp_a,
            household=follow_up.household,
            follow_up=follow_up,
            kind=MomentKind.PHONE,
            date=TODAY,
            author=world.users["referent_a"],
        )
        moment_pk = moment.pk
        moment.delete()
        moment.pk = moment_pk
    assert [e.pgh_label for e in history_of(moment)] == ["insert", "delete"]


def test_the_retention_job_alone_can_erase_a_history(world, follow_up):
    from apps.audit.services import erase_history

    with scopes_disabled():
        FollowUp.objects.filter(pk=follow_up.pk).update(objective="Autre")
    assert erase_history(FollowUp, [follow_up.pk]) == 2
    assert history_of(follow_up) == []
    # Outside the retention job the triggers are back in force.
    with scopes_disabled():
        FollowUp.objects.filter(pk=follow_up.pk).update(objective="Encore")
    table = history_of(follow_up)[0]._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic():
        connection.cursor().execute(f"DELETE FROM {table}")  # noqa: S608
