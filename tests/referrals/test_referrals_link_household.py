"""Every read and answer through a partner's link names the household (access log and
link uses), so its access history, export and erasure include them; the link's pages
send no referrer."""

from __future__ import annotations

import importlib
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.accounts.models import AccessLog, AppendOnlyError
from apps.privacy.queries import access_log_for, household_dossier
from apps.referrals.models import ReferralLinkUse, SharedData
from tests.referrals.factories import make_sent_referral, referral_setup

pytestmark = pytest.mark.django_db

LINK_RE = re.compile(r"http://testserver(/accompagnement/partenaire/orientation/\S+/)")


@pytest.fixture
def sent(world, django_capture_on_commit_callbacks):
    user = world.users["referent_a"]
    setup = referral_setup(world.slsp_a, user, name="CPAS de Gembloux")
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_sent_referral(setup, user, shared=(SharedData.IDENTITY,))
    return setup, referral, LINK_RE.search(mail.outbox[-1].body).group(1)


def _link_rows():
    return AccessLog.objects.filter(view_name="referrals:referral_link").order_by("pk")


def test_partner_reads_and_answers_are_in_the_household_access_history(
    world, client_for, sent, django_capture_on_commit_callbacks
):
    setup, _referral, url = sent
    household = setup.household
    # A real browser under "no-referrer" posts with "Origin: null"; CSRF is enforced.
    partner = Client(enforce_csrf_checks=True)
    page = partner.get(url)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    assert '<meta name="referrer" content="no-referrer">' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = partner.post(url, {"action": "accept"}, HTTP_ORIGIN="null")
    assert done.status_code == 200, done.content.decode()[:300]
    assert done["Referrer-Policy"] == "no-referrer"
    assert '<meta name="referrer" content="no-referrer">' in done.content.decode()
    # A spent link: refused, still without referrer, and the attempt names the household.
    again = partner.get(url)
    assert again.status_code == 410
    assert again["Referrer-Policy"] == "no-referrer"

    rows = list(_link_rows())
    assert [r.reason.rsplit(": ", 1)[-1] for r in rows] == ["view", "accept"]
    assert {r.subject_household for r in rows} == {household.pk}
    assert all(url.split("/")[-2] not in r.path for r in rows)  # no token in the log
    with scopes_disabled():
        uses = list(ReferralLinkUse.objects.order_by("pk"))
        assert [u.action for u in uses] == ["view", "accept", "refused"]
        assert {u.household_id for u in uses} == {household.pk}
        # The household's export lists the partner's reads.
        dossier = household_dossier(household)
        exported = [r.pk for r in dossier["access_log"]]
    assert all(r.pk in exported for r in rows)
    # So does the direction's access log filtered on this household.
    direction = world.users["direction_a"]
    with scopes_disabled():
        logged = set(
            access_log_for(direction)
            .filter(subject_household=household.pk, view_name="referrals:referral_link")
            .values_list("pk", flat=True)
        )
    assert logged == {r.pk for r in rows}
    response = client_for("direction_a").get(
        reverse("privacy:access_log"), {"menage": str(household.uuid)}
    )
    assert response.status_code == 200
    assert response.content.decode().count("Lien partenaire") >= 2


def test_migration_names_the_household_of_earlier_partner_link_rows(world, sent):
    setup, referral, _url = sent
    household = setup.household
    path = reverse("referrals:referral_link", kwargs={"uuid": referral.uuid, "token": "-"})
    before = AccessLog.objects.create(
        slsp=world.slsp_a,
        object_type="tenants.household",
        object_id=str(household.uuid),
        view_name="accompaniment:referral_link",
        path=path,
        reason="Lien partenaire (CPAS) : view",
    )
    erased = AccessLog.objects.create(  # detached by an erasure: stays detached
        slsp=world.slsp_a,
        object_type="tenants.household",
        object_id="",
        view_name="accompaniment:referral_link",
        path="",
    )
    migration = importlib.import_module("apps.accompaniment.migrations.0007_link_use_household")
    with connection.cursor() as cursor:
        cursor.execute(migration.ACCESS_LOG)
    assert AccessLog.objects.get(pk=before.pk).subject_household == household.pk
    assert AccessLog.objects.get(pk=erased.pk).subject_household is None
    # The access log is append-only again right after.
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=before.pk).update(reason="")
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_accesslog SET reason = '' WHERE id = %s", [before.pk])
