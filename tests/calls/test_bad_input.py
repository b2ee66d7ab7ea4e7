"""Bad input on the calls forms not covered elsewhere: a clear French message, no row
changed, never a 500 (the dossier, action, budget, attachment, call-creation, conflict,
score and decision forms have theirs in test_dossiers.py and test_jury.py)."""

import datetime
from decimal import Decimal
from html import unescape

import time_machine
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.accounts.models import Role
from apps.calls.models import (
    Assignment,
    Call,
    CallStatus,
    Criterion,
    Dossier,
    DossierApplicant,
    DossierStatus,
    Score,
)
from tests.accounts.factories import make_user
from tests.calls import factories as f


def _messages(response):
    return [str(m) for m in response.wsgi_request._messages]


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_call_edit_bad_input_changes_nothing(world):
    call = f.make_call(CallStatus.DRAFT, criteria=[("Critère A", 1, True)])
    criterion = call.criteria.get()
    url = reverse("calls:call_edit", kwargs={"uuid": call.uuid})
    data = {
        "title": "",
        "opens_at": "pas une date",
        "closes_at": "2026-10-01T10:00",
        "jury_meeting_on": "2020-01-01",
        "total_budget": "-5",
        "ceiling_per_dossier": "abc",
        "disagreement_threshold": "0",
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "1",
        "criteria-0-id": str(criterion.pk),
        "criteria-0-label": "Nouveau libellé",
        "criteria-0-weight": "1",
        "criteria-0-scale_min": "0",
        "criteria-0-scale_max": "5",
    }
    response = world.client_for("coordinateur").post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"title", "opens_at", "total_budget", "ceiling_per_dossier"} <= set(errors)
    assert "Saisissez une date et une heure valides." in str(errors["opens_at"])
    call.refresh_from_db()
    criterion.refresh_from_db()
    assert call.title == "Appel de test" and criterion.label == "Critère A"


def test_criteria_formset_needs_one_counting_criterion(world):
    call = f.make_call(CallStatus.DRAFT, criteria=[("Critère A", 1, True)])
    criterion = call.criteria.get()
    url = reverse("calls:call_edit", kwargs={"uuid": call.uuid})
    base = {
        "title": "Appel",
        "opens_at": "2026-09-01T09:00",
        "closes_at": "2026-10-15T12:00",
        "total_budget": "1000",
        "ceiling_per_dossier": "500",
        "disagreement_threshold": "1.5",
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "1",
        "criteria-0-id": str(criterion.pk),
        "criteria-0-label": "Critère A",
        "criteria-0-weight": "1",
        "criteria-0-scale_min": "0",
        "criteria-0-scale_max": "5",
    }
    client = world.client_for("coordinateur")
    # The only criterion unticked "counts": refused.
    response = client.post(url, base)
    assert "Au moins un critère doit compter dans le total." in response.content.decode()
    # Every criterion deleted: refused.
    response = client.post(url, {**base, "criteria-0-counts": "on", "criteria-0-DELETE": "on"})
    assert "Un appel compte au moins un critère." in response.content.decode()
    # A weight of zero and a scale upside down.
    response = client.post(
        url,
        {**base, "criteria-0-counts": "on", "criteria-0-weight": "0", "criteria-0-scale_max": "0"},
    )
    assert response.status_code == 200
    assert "La note maximale doit dépasser la note minimale." in response.content.decode()
    call.refresh_from_db()
    assert call.title == "Appel de test"
    assert Criterion.objects.filter(call=call).count() == 1


def test_call_edit_refused_once_closed(world):
    call = f.make_call(CallStatus.REVIEW)
    response = world.client_for("coordinateur").post(
        reverse("calls:call_edit", kwargs={"uuid": call.uuid}), {"title": "Autre"}, follow=True
    )
    assert "Un appel clôturé ne se modifie plus." in response.content.decode()
    call.refresh_from_db()
    assert call.title == "Appel de test"


def test_dossier_edit_bad_input(world):
    call = f.make_call(CallStatus.OPEN)
    dossier = f.make_dossier(call, world.slsp_a, co=[world.slsp_b], title="Titre initial")
    url = reverse("calls:dossier_edit", kwargs={"uuid": dossier.uuid})
    with time_machine.travel(call.closes_at - datetime.timedelta(days=1), tick=False):
        response = world.client_for("referent_a").post(
            url,
            {
                "title": "x" * 300,
                "requested_amount": "25000",
                "co_applicants": ["999999"],
                "target_publics": ["nulle-part"],
                "other_partners": ["abc"],
            },
        )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {
        "title",
        "requested_amount",
        "co_applicants",
        "target_publics",
        "other_partners",
    } <= set(errors)
    assert "plafond de 20\xa0000,00\xa0€" in str(errors["requested_amount"])
    with scopes_disabled():
        dossier.refresh_from_db()
        applicants = set(
            DossierApplicant.objects.filter(dossier=dossier).values_list("slsp_id", flat=True)
        )
    assert dossier.title == "Titre initial" and dossier.requested_amount == Decimal("10000")
    assert applicants == {world.slsp_a.pk, world.slsp_b.pk}


def test_submitted_dossier_forms_refuse_changes(world):
    call = f.make_call(CallStatus.OPEN)
    dossier = f.make_dossier(call, world.slsp_a, status=DossierStatus.SUBMITTED)
    client = world.client_for("referent_a")
    for name in ("dossier_edit", "dossier_actions", "dossier_budget", "attachment_add"):
        response = client.post(
            reverse(f"calls:{name}", kwargs={"uuid": dossier.uuid}), {"title": "Autre"}, follow=True
        )
        assert "il ne peut plus être modifié" in response.content.decode(), name
    with scopes_disabled():
        dossier.refresh_from_db()
    assert dossier.title == "Projet de test" and dossier.actions.count() == 1


def test_assign_forms_bad_input(world):
    call = f.make_call(CallStatus.REVIEW)
    dossier = f.make_dossier(call, world.slsp_a, status=DossierStatus.SUBMITTED)
    client = world.client_for("coordinateur")
    url = reverse("calls:jury_assign", kwargs={"uuid": call.uuid})
    # Not a juror, not a dossier of this call, garbage.
    other_call = f.make_call(CallStatus.REVIEW, title="Autre appel")
    elsewhere = f.make_dossier(other_call, world.slsp_b, status=DossierStatus.SUBMITTED)
    for data in (
        {"juror": world.users["referent_b"].pk, "dossier": str(dossier.uuid)},
        {"juror": world.users["jury"].pk, "dossier": str(elsewhere.uuid)},
        {"juror": "abc", "dossier": "pas-un-uuid"},
        {},
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        errors = str(response.context["form"].errors)
        assert "Sélectionnez un choix valide" in errors or "Ce champ est obligatoire" in errors, (
            data,
            errors,
        )
    # A juror who is référent of the applicant SLSP: the automatic conflict is explained.
    linked = world.users["referent_a"]
    from apps.accounts.models import Membership

    Membership.objects.create(user=linked, role=Role.JURY)
    response = client.post(url, {"juror": linked.pk, "dossier": str(dossier.uuid)})
    assert "Conflit d'intérêts automatique" in unescape(response.content.decode())
    balanced = reverse("calls:assign_balanced", kwargs={"uuid": call.uuid})
    for value in ("0", "16", "trois", ""):
        response = client.post(balanced, {"per_dossier": value}, follow=True)
        assert "Indiquez un nombre de jurés entre 1 et 15." in response.content.decode()
    assert not Assignment.objects.exists()


def test_notes_too_long_and_score_not_a_number(world):
    call = f.make_call(CallStatus.REVIEW)
    client = world.client_for("coordinateur")
    response = client.post(
        reverse("calls:notes", kwargs={"uuid": call.uuid}),
        {"deliberation_notes": "x" * 20001},
        follow=True,
    )
    assert "Les notes sont trop longues" in response.content.decode()
    assert Call.objects.get(pk=call.pk).deliberation_notes == ""

    dossier = f.make_dossier(call, world.slsp_a, status=DossierStatus.SUBMITTED)
    juror = make_user(Role.JURY)
    assignment = f.make_assignment(dossier, juror)
    criterion = call.criteria.get()
    url = reverse("calls:score", kwargs={"uuid": assignment.uuid})
    for value in ("abc", "-1", "2.555", "1e9"):
        response = _client(juror).post(url, {f"score_{criterion.pk}": value, "draft": "1"})
        assert response.status_code == 200, value
        assert response.context["form"].errors, value
    assert not Score.objects.exists()
    with scopes_disabled():
        assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED


def test_transition_bad_input(world):
    call = f.make_call(CallStatus.DRAFT)
    client = world.client_for("coordinateur")
    url = reverse("calls:call_transition", kwargs={"uuid": call.uuid})
    for data in ({}, {"target": "n'importe"}, {"target": "decided"}):
        response = client.post(url, data, follow=True)
        assert "choisissez un statut proposé" in response.content.decode()
    # A call with no criterion cannot open.
    Criterion.objects.filter(call=call).delete()
    response = client.post(url, {"target": "open"}, follow=True)
    assert "Ajoutez au moins un critère" in response.content.decode()
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT
