"""Erasure after the retention period: personal data go everywhere they
were (rows, change history, access log, Celery results, stored import files), the
counts stay, and running it twice changes nothing."""

import datetime
import json
import uuid

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import Count, Func, Sum
from django_scopes import scopes_disabled

from apps.accompaniment.models import Consent, FollowUp, Moment, Objective
from apps.accounts.models import AccessLog
from apps.privacy import export, queries, services
from apps.privacy.models import Erasure
from apps.referrals.models import Referral, ReferralEvent
from apps.tenants.models import Household, ImportJob, Member, Tenancy
from tests.privacy.factories import (
    ANSWER,
    CONSENT_NOTE,
    FIRST_NAME,
    LAST_NAME,
    MOMENT_NOTE,
    OBJECTIVE,
    REASON,
    REFERRAL_REASON,
    SENSITIVE,
    make_rich_household,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
PERSONAL = [
    FIRST_NAME,
    LAST_NAME,
    CONSENT_NOTE,
    OBJECTIVE,
    MOMENT_NOTE,
    SENSITIVE,
    REASON,
    REFERRAL_REASON,
    ANSWER,
    "Sortie de maison d'accueil",
]


def years_ago(years, days=0):
    return TODAY.replace(year=TODAY.year - years) - datetime.timedelta(days=days)


def indicators() -> dict:
    """The counts reports are made of, per SLSP: they must not move."""
    with scopes_disabled():

        def per(qs, *keys):
            return sorted(
                (tuple(row[k] for k in keys), row["n"])
                for row in qs.values(*keys).annotate(n=Count("pk"))
            )

        domains = (
            FollowUp.objects.annotate(domain=Func("domains", function="unnest"))
            .values("slsp_id", "domain")
            .annotate(n=Count("pk"))
        )
        return {
            "households": per(Household.objects, "slsp_id"),
            "members": per(Member.objects, "slsp_id"),
            "tenancies": per(Tenancy.objects, "slsp_id", "category", "accompanied"),
            "consents": per(Consent.objects, "slsp_id", "covers_follow_up"),
            "follow_ups": per(FollowUp.objects, "slsp_id", "outcome"),
            "follow_up_domains": sorted((r["slsp_id"], r["domain"], r["n"]) for r in domains),
            "objectives": per(Objective.objects, "slsp_id", "status"),
            "moments": per(Moment.objects, "slsp_id", "kind", "sensitivity"),
            "minutes": list(
                Moment.objects.values("slsp_id")
                .annotate(m=Sum("duration_minutes"))
                .order_by("slsp_id")
                .values_list("slsp_id", "m")
            ),
            "referrals": per(Referral.objects, "slsp_id", "status", "partner_id"),
            "access_log": per(AccessLog.objects, "slsp_id", "user_id", "object_type"),
        }


@pytest.fixture
def households(world):
    ref_a, ref_b = world.users["referent_a"], world.users["referent_b"]
    return {
        "due": make_rich_household(world.slsp_a, ref_a, ended=years_ago(5, days=1)),
        "not_yet": make_rich_household(world.slsp_a, ref_a, ended=years_ago(4)),
        "current": make_rich_household(world.slsp_a, ref_a, ended=None),
        "due_b": make_rich_household(world.slsp_b, ref_b, ended=years_ago(6)),
    }


def test_only_households_past_the_retention_period_are_due(households, settings):
    with scopes_disabled():
        due = set(queries.households_to_erase().values_list("pk", flat=True))
        assert due == {households["due"].pk, households["due_b"].pk}
        settings.RETENTION_YEARS = 3
        due = set(queries.households_to_erase().values_list("pk", flat=True))
        assert households["not_yet"].pk in due and households["current"].pk not in due


def test_a_household_with_a_later_running_tenancy_is_kept(world, households):
    from tests.tenants.factories import TenancyFactory

    with scopes_disabled():
        TenancyFactory(slsp=world.slsp_a, household=households["due"], start_date=years_ago(1))
        due = set(queries.households_to_erase().values_list("pk", flat=True))
    assert households["due"].pk not in due


def test_erasure_pseudonymises_everything_and_keeps_the_counts(
    world, households, django_capture_on_commit_callbacks
):
    from slsp_referent.celery import app

    due = households["due"]
    mentioning, unrelated = str(uuid.uuid4()), str(uuid.uuid4())
    app.backend.store_result(mentioning, {"household": str(due.uuid)}, "SUCCESS")
    app.backend.store_result(unrelated, {"household": str(households["current"].uuid)}, "SUCCESS")
    before = indicators()
    log_rows = AccessLog.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        erased = services.erase_expired_households()

    assert sorted(erased) == sorted([due.pk, households["due_b"].pk])
    assert indicators() == before
    assert AccessLog.objects.count() == log_rows
    with scopes_disabled():
        due.refresh_from_db()
        assert due.display_name == ""
        assert due.reference.startswith("eff-") and len(due.reference) == 36
        members = list(Member.objects.filter(household=due))
        assert [(m.first_name, m.last_name, m.birth_year) for m in members] == [
            ("", "Membre 1", None),
            ("", "Membre 2", None),
        ]
        assert not Consent.objects.filter(household=due).exclude(note="").exists()
        assert not FollowUp.objects.filter(household=due).exclude(objective="").exists()
        assert not Objective.objects.filter(follow_up__household=due).exclude(text="").exists()
        moments = Moment.objects.filter(household=due)
        assert set(moments.values_list("note", "participants", "sensitive_note")) == {("", "", "")}
        referral = Referral.objects.get(household=due)
        assert (referral.reason, referral.answer_note, referral.outcome_note) == ("", "", "")
        assert referral.shared_data == ["identite", "impayes"]  # categories, not data
        assert set(
            ReferralEvent.objects.filter(referral=referral).values_list("note", flat=True)
        ) == {""}
        erasure = Erasure.objects.get(household=due)
        assert erasure.tenancy_ended_on == years_ago(5, days=1)
        assert erasure.counts["membres"] == 2 and erasure.counts["journal_des_acces"] == 2
        assert erasure.counts["historique"] > 0
        # The households not due are untouched.
        kept = Member.objects.filter(household=households["not_yet"], last_name=LAST_NAME)
        assert kept.count() == 2
    assert not AccessLog.objects.filter(subject_household=due.pk).exists()
    assert AccessLog.objects.filter(subject_household=households["current"].pk).count() == 2
    # The break-glass reasons about the two households still held remain.
    assert AccessLog.objects.filter(reason=REASON, slsp=world.slsp_a).count() == 2
    # Celery results: the one naming the household is gone, the other stays.
    assert app.backend.get_task_meta(mentioning)["status"] == "PENDING"
    assert app.backend.get_task_meta(unrelated)["status"] == "SUCCESS"
    # The export of an erased household shows nothing personal.
    with scopes_disabled():
        dump = json.dumps(export.household_export(due), ensure_ascii=False)
    for text in PERSONAL:
        assert text not in dump, text


def test_the_change_history_of_the_household_is_erased(world, households):
    history = [apps.get_model("audit", f"{m}History") for m in ("Consent", "FollowUp", "Moment")]
    due, kept = households["due"], households["current"]

    def rows(household, model):
        source = model._meta.get_field("pgh_obj").related_model
        with scopes_disabled():
            ids = source.objects.filter(household=household).values("pk")
        return model.objects.filter(pgh_obj_id__in=ids).count()

    assert all(rows(due, m) for m in history)
    services.erase_expired_households()
    assert [rows(due, m) for m in history] == [0, 0, 0]
    assert all(rows(kept, m) for m in history)


def test_no_personal_text_of_an_erased_household_is_left_in_any_table(world):
    """One household only, then every row of every table is searched for its texts."""
    due = make_rich_household(world.slsp_a, world.users["referent_a"], ended=years_ago(7))
    with scopes_disabled():
        follow_up = FollowUp.objects.get(household=due)
        FollowUp.objects.filter(pk=follow_up.pk).update(
            next_step=f"Rappeler {FIRST_NAME} {LAST_NAME} pour le plan"
        )
    with scopes_disabled(), open("fixtures/export-gestion-locative.csv", "rb") as handle:
        job = ImportJob.objects.create(
            slsp=world.slsp_a, filename="ancien.csv", data=handle.read() + LAST_NAME.encode()
        )
        ImportJob.objects.filter(pk=job.pk).update(
            created_at=datetime.datetime.combine(years_ago(6), datetime.time(), datetime.UTC)
        )
    assert services.erase_expired_households() == [due.pk]
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            cursor.execute(f'SELECT row_to_json(t)::text FROM "{table}" t')  # noqa: S608
            for (row,) in cursor.fetchall():
                found += [(table, text) for text in PERSONAL if text in row]
            if table == "tenants_importjob":
                cursor.execute("SELECT count(*) FROM tenants_importjob WHERE length(data) > 0")
                assert cursor.fetchone()[0] == 0
    assert found == []
    assert len(tables) > 30


def test_erasure_is_idempotent(households):
    first = services.erase_expired_households()
    with scopes_disabled():
        snapshot = sorted(Household.objects.values_list("pk", "reference", "display_name"))
        erasures = Erasure.objects.count()
    assert services.erase_expired_households() == []
    assert services.erase_household(first[0]) is None
    with scopes_disabled():
        assert sorted(Household.objects.values_list("pk", "reference", "display_name")) == snapshot
        assert Erasure.objects.count() == erasures == 2


def test_the_job_is_scheduled_and_its_task_takes_and_returns_ids():
    from slsp_referent.celery import app

    app.loader.import_default_modules()  # autodiscovery, as a worker does at start
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-erase-expired-households"]
    assert entry["task"] == "privacy.erase_expired_households"
    assert entry["task"] in app.tasks
    assert settings.RETENTION_YEARS == 5


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_erasure(celery_worker_process):
    from apps.privacy.tasks import erase_expired_households
    from tests.conftest import build_world

    world = build_world()
    due = make_rich_household(world.slsp_a, world.users["referent_a"], ended=years_ago(8))
    kept = make_rich_household(world.slsp_a, world.users["referent_a"], ended=None)
    result = erase_expired_households.delay()
    assert result.get(timeout=60) == [due.pk]
    with scopes_disabled():
        assert not Member.objects.filter(household=due, last_name=LAST_NAME).exists()
        assert Member.objects.filter(household=kept, last_name=LAST_NAME).count() == 2
    assert erase_expired_households.delay().get(timeout=60) == []
