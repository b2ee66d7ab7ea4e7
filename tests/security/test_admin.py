"""The Django admin manages accounts, roles and reference data, never people.

Attacks reproduced: an administrator opening (or guessing the URL of) a household, a
member, a tenancy, a consent, a follow-up, a moment or a referral in the admin; an
administrator rewriting a juror's submitted score, reverting the review to draft or
deleting it in cascade; English screens in a French admin.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.accompaniment import services
from apps.accompaniment.models import Consent, FollowUp, Moment, MomentKind, Objective, Sensitivity
from apps.accounts.models import AccessLog, Role
from apps.audit.models import TRACKED
from apps.audit.services import history_model
from apps.calls import services as call_services
from apps.calls.models import Assignment, CallStatus, DossierStatus, Score
from apps.collective.models import ActionSession, CollectiveAction
from apps.referrals.models import Referral, ReferralEvent, ReferralLink
from apps.tenants.models import Household, ImportJob, Member, Tenancy
from tests.accounts.factories import make_user
from tests.calls import factories as calls_f
from tests.referrals.factories import make_sent_referral, referral_setup

PERSONAL_MODELS = [
    Household,
    Member,
    Tenancy,
    ImportJob,
    Consent,
    FollowUp,
    Objective,
    Moment,
    Referral,
    ReferralEvent,
    ReferralLink,
    CollectiveAction,
    ActionSession,
    *(history_model(model) for model in TRACKED),
]

NAME = "Durand"
NOTE = "Visite pour la dette de loyer"
SENSITIVE = "Violences conjugales signalées"
REASON = "Aide pour un plan d'apurement avec le CPAS"


def admin_path(model: type[models.Model], suffix: str = "") -> str:
    """The URL the admin would give the model: built by hand, it no longer resolves."""
    meta = model._meta
    return f"/{settings.ADMIN_URL}{meta.app_label}/{meta.model_name}/{suffix}"


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def people(world) -> dict:
    """A household of SLSP A with a member, a tenancy, a consent, a follow-up, a moment
    with a sensitive note and a sent referral (with its partner link)."""
    referent = world.users["referent_a"]
    setup = referral_setup(world.slsp_a, referent)
    referral = make_sent_referral(setup, referent)
    with scopes_disabled():
        moment = services.log_moment(
            setup.household,
            referent,
            kind=MomentKind.ARREARS,
            date=datetime.date.today() - datetime.timedelta(days=1),
            duration_minutes=30,
            follow_up=setup.follow_up,
            note=NOTE,
            sensitivity=Sensitivity.VIOLENCE,
            sensitive_note=SENSITIVE,
        )
        member = Member.objects.filter(household=setup.household).first()
        member.last_name = NAME
        member.save(update_fields=["last_name"])
        return {
            "household": setup.household,
            "member": member,
            "tenancy": Tenancy.objects.filter(household=setup.household).first(),
            "consent": setup.consent,
            "follow_up": setup.follow_up,
            "moment": moment,
            "referral": referral,
            "link": ReferralLink.objects.filter(referral=referral).first(),
        }


def test_personal_data_models_are_not_registered_in_the_admin():
    registered = [m._meta.label for m in PERSONAL_MODELS if admin.site.is_registered(m)]
    assert registered == []


def test_admin_cannot_list_open_add_or_change_a_persons_record(world, people):
    client = world.client_for("admin")
    before = AccessLog.objects.count()
    for key, obj in people.items():
        model = type(obj)
        for suffix in ("", "add/", f"{obj.pk}/change/", f"{obj.pk}/delete/", f"{obj.pk}/history/"):
            url = admin_path(model, suffix)
            response = client.get(url)
            assert response.status_code == 404, f"{key}: GET {url} → {response.status_code}"
        # A change posted by hand is refused as well, and changes nothing.
        response = client.post(admin_path(model, f"{obj.pk}/change/"), {"note": "réécrit"})
        assert response.status_code == 404, key
    with scopes_disabled():
        people["moment"].refresh_from_db()
        assert people["moment"].note == NOTE
        assert people["member"].last_name == NAME
    # Nothing was shown, so nothing had to be logged.
    assert AccessLog.objects.count() == before


def test_no_admin_page_shows_a_tenants_name_or_notes(world, people):
    """Every registered model's list and first change page, as the administrator."""
    client = world.client_for("admin")
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        manager = model._default_manager
        with scopes_disabled():
            instance = manager.first()
        if instance is not None:
            pages.append(
                reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[instance.pk])
            )
    index = client.get(reverse("admin:index")).content.decode()
    for label in ("Ménages", "Membres", "Baux", "Consentements", "Suivis", "Moments", "Orient"):
        assert f">{label}" not in index, label
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for secret in (NAME, NOTE, SENSITIVE, REASON, people["household"].reference):
            assert secret not in text, f"{secret!r} shown on {url}"


# --- Jury scores --------------------------------------------------------------


@pytest.fixture
def submitted_review(world) -> dict:
    call = calls_f.make_call(CallStatus.REVIEW, criteria=[("Partenariats", 2, True)])
    dossier = calls_f.make_dossier(
        call, world.slsp_a, co=[world.slsp_b], status=DossierStatus.SUBMITTED
    )
    juror = make_user(Role.JURY)
    criterion = call.criteria.get()
    assignment = calls_f.make_assignment(
        dossier, juror, scores={criterion.pk: Decimal("3")}, submitted=True
    )
    return {
        "call": call,
        "dossier": dossier,
        "criterion": criterion,
        "juror": juror,
        "assignment": assignment,
        "score": assignment.scores.get(),
    }


def _unchanged(review: dict) -> None:
    score = Score.objects.get(pk=review["score"].pk)
    assert score.value == Decimal("3")
    assert score.comment == ""
    assignment = Assignment.objects.get(pk=review["assignment"].pk)
    assert assignment.status == Assignment.Status.SUBMITTED
    assert review["criterion"].__class__.objects.get(pk=review["criterion"].pk).weight == 2


def test_admin_cannot_change_a_submitted_score(world, submitted_review):
    client = world.client_for("admin")
    score = submitted_review["score"]
    change = reverse("admin:calls_score_change", args=[score.pk])
    page = client.get(change)
    assert page.status_code == 200  # read, not edited
    assert 'name="value"' not in page.content.decode()
    response = client.post(
        change,
        {
            "assignment": submitted_review["assignment"].pk,
            "criterion": submitted_review["criterion"].pk,
            "value": "10",
            "comment": "revu",
        },
    )
    assert response.status_code == 403
    assert client.post(reverse("admin:calls_score_add"), {"value": "1"}).status_code == 403
    delete = reverse("admin:calls_score_delete", args=[score.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    _unchanged(submitted_review)


def test_admin_cannot_reopen_delete_or_cascade_away_a_submitted_review(world, submitted_review):
    client = world.client_for("admin")
    assignment = submitted_review["assignment"]
    change = reverse("admin:calls_assignment_change", args=[assignment.pk])
    page = client.get(change).content.decode()
    assert 'name="status"' not in page and 'name="scores-0-value"' not in page
    reopened = client.post(
        change,
        {
            "dossier": submitted_review["dossier"].pk,
            "juror": submitted_review["juror"].pk,
            "conflict": "none",
            "status": "draft",
            "scores-TOTAL_FORMS": "1",
            "scores-INITIAL_FORMS": "1",
            "scores-0-id": submitted_review["score"].pk,
            "scores-0-value": "10",
        },
    )
    assert reopened.status_code == 403
    delete = reverse("admin:calls_assignment_delete", args=[assignment.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    # Deleting or reweighting the criterion, or deleting the dossier, would cascade.
    criterion = submitted_review["criterion"]
    criterion_change = reverse("admin:calls_criterion_change", args=[criterion.pk])
    assert client.post(criterion_change, {"weight": "5"}).status_code == 403
    criterion_delete = reverse("admin:calls_criterion_delete", args=[criterion.pk])
    assert client.post(criterion_delete, {"post": "yes"}).status_code == 403
    dossier_delete = reverse("admin:calls_dossier_delete", args=[submitted_review["dossier"].pk])
    assert client.post(dossier_delete, {"post": "yes"}).status_code == 403
    # Nor through the changelists' bulk "delete selected" action.
    for name, pk in (
        ("calls_dossier", submitted_review["dossier"].pk),
        ("calls_criterion", criterion.pk),
        ("calls_assignment", assignment.pk),
    ):
        client.post(
            reverse(f"admin:{name}_changelist"),
            {"action": "delete_selected", "_selected_action": [pk], "post": "yes"},
        )
    _unchanged(submitted_review)
    assert Score.objects.filter(pk=submitted_review["score"].pk).exists()


def test_no_other_path_rewrites_a_submitted_score(world, submitted_review):
    """The scoring service refuses a submitted review; the scoring page is the juror's only."""
    assignment = submitted_review["assignment"]
    criterion = submitted_review["criterion"]
    with pytest.raises(call_services.AssignmentRefused):
        call_services.save_scores(
            assignment, [criterion], {f"score_{criterion.pk}": Decimal("10")}, submit=False
        )
    url = reverse("calls:score", kwargs={"uuid": assignment.uuid})
    data = {f"score_{criterion.pk}": "10", "submit": "1"}
    for persona in ("admin", "coordinateur", "jury"):
        response = world.client_for(persona).post(url, data)
        assert response.status_code == 404, persona
    juror = Client()
    juror.force_login(submitted_review["juror"])
    juror.post(url, data)
    _unchanged(submitted_review)


def test_score_list_query_count_does_not_grow(world, django_assert_max_num_queries):
    call = calls_f.make_call(CallStatus.REVIEW, criteria=[("A", 1, True), ("B", 1, True)])
    client = world.client_for("admin")
    url = reverse("admin:calls_score_changelist")
    counts = []
    for n in (1, 3):
        for _ in range(n):
            dossier = calls_f.make_dossier(call, world.slsp_a, status=DossierStatus.SUBMITTED)
            calls_f.make_assignment(
                dossier,
                make_user(Role.JURY),
                scores={c.pk: Decimal("2") for c in call.criteria.all()},
                submitted=True,
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[0]):
        client.get(url)


# --- French -------------------------------------------------------------------

ENGLISH = [
    "Access attempts",
    "Access attempt",
    "Access logs",
    "Access failures",
    "TOTP device",
    "TOTP devices",
    "Users",
    "Groups",
    "Identity",
    "Timestamps",
    "Throttling",
    "User Agent",
    "Locked Out",
    "Attempt Remaining",
    "Attempted Access",
    "Failed access",
    "Created at",
    "Created by",
    "Last used",
    "Is lead",
    "Submitted at",
    "Submitted by",
    "Decided by",
    "Uploaded by",
    "Threshold days",
    "Merged by",
    "history",
    "Site administration",
    "Django administration",
    "Select ",
    "Search by",
    "Can add",
]


def _assert_french(html: str, url: str) -> None:
    text = visible_text(html)
    for word in ENGLISH:
        assert word not in text, f"{word!r} on {url}"


def test_the_admin_speaks_french(world, submitted_review):
    from axes.models import AccessAttempt, AccessFailureLog
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world.users["admin"], name="Téléphone", confirmed=True)
    attempt = AccessAttempt.objects.create(
        username="x@example.org",
        ip_address="10.0.0.1",
        user_agent="test",
        http_accept="*/*",
        path_info="/comptes/connexion/",
        failures_since_start=5,
        get_data="",
        post_data="",
    )
    failure = AccessFailureLog.objects.create(
        username="x@example.org",
        ip_address="10.0.0.1",
        user_agent="test",
        http_accept="*/*",
        path_info="/comptes/connexion/",
        locked_out=True,
    )
    client = world.client_for("admin")
    index = client.get(reverse("admin:index"))
    assert "Administration SLSP Référent" in visible_text(index.content.decode())
    _assert_french(index.content.decode(), "index")
    pages = [
        reverse("admin:accounts_secondfactordevice_change", args=[device.pk]),
        reverse("admin:accounts_signinattempt_change", args=[attempt.pk]),
        reverse("admin:accounts_signinfailure_change", args=[failure.pk]),
        reverse("admin:accounts_user_change", args=[world.users["referent_a"].pk]),
        reverse("admin:accounts_user_add"),
        reverse("admin:calls_assignment_change", args=[submitted_review["assignment"].pk]),
        reverse("admin:calls_dossier_change", args=[submitted_review["dossier"].pk]),
    ]
    for model in admin.site._registry:
        meta = model._meta
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_french(response.content.decode(), url)


def test_the_admin_cannot_create_or_edit_a_second_factor(world):
    """Creating one with a typed key, or editing it, would give the admin its secret."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    person = world.users["coordinateur"]
    client = world.client_for("admin")
    add = reverse("admin:accounts_secondfactordevice_add")
    assert client.get(add).status_code == 403
    response = client.post(add, {"user": person.pk, "name": "x", "key": "3132333435363738"})
    assert response.status_code == 403
    assert not TOTPDevice.objects.filter(user=person, name="x").exists()


@pytest.mark.parametrize("persona", ["referent_a", "direction_a", "coordinateur", "jury"])
def test_other_roles_do_not_reach_the_admin(world, persona):
    response = world.client_for(persona).get(reverse("admin:calls_score_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
