"""Deliberate actions and corrections with a trace, through HTTP: closing a follow-up
asks an outcome (none preselected), a note and the objectives' final statuses; a closed
follow-up can be reopened with a reason; a moment is corrected or deleted by its author
or the direction, with a reason, and the household's history shows before → after
(never a sensitive note's text); forms refused show what was typed; unlinking a partner
and deleting a collective session confirm first."""

import datetime
import re

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.accompaniment import services
from apps.accompaniment.models import (
    Consent,
    Domain,
    FollowUp,
    FollowUpReopening,
    Moment,
    MomentKind,
    MomentRevision,
    Objective,
    ObjectiveStatus,
    Outcome,
    Sensitivity,
)
from apps.partners.models import SlspPartner
from tests.partners.factories import PartnerFactory, SlspPartnerFactory
from tests.tenants.factories import make_household

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
DAY = TODAY - datetime.timedelta(days=3)


@pytest.fixture
def household(world):
    with scopes_disabled():
        return make_household(world.slsp_a)


@pytest.fixture
def follow_up(world, household):
    user = world.users["referent_a"]
    with scope(slsp=[world.slsp_a.pk]):
        services.record_consent(household, user, given_on=DAY, covers_follow_up=True)
        return services.open_follow_up(
            household,
            user,
            domains=[Domain.IMPAYES],
            objective="Tenir le plan",
            opened_on=DAY,
            more_objectives=["Rencontrer le CPAS"],
        )


def _page(client, household) -> str:
    return client.get(
        reverse("tenants:household", kwargs={"uuid": household.uuid})
    ).content.decode()


# --- Closing and reopening a follow-up ---


def _close_url(follow_up):
    return reverse("accompaniment:follow_up_close", kwargs={"uuid": follow_up.uuid})


def test_closing_asks_an_outcome_with_none_preselected(world, follow_up):
    """Wrong before: one click closed it, 'Situation stabilisée' preselected, no note."""
    client = world.client_for("referent_a")
    page = client.get(_close_url(follow_up)).content.decode()
    select = re.search(r'<select name="outcome".*?</select>', page, flags=re.S).group(0)
    assert "selected" not in select.split("</option>", 1)[1]  # only the empty choice
    assert '<option value="" selected>' in select
    assert "Note de clôture" in page and "Rencontrer le CPAS" in page
    # The old one-click POST (an outcome only) closes nothing now.
    response = client.post(_close_url(follow_up), {"outcome": Outcome.STABILISED})
    assert response.status_code == 200
    with scopes_disabled():
        assert FollowUp.objects.get(pk=follow_up.pk).is_open


def test_closing_with_outcome_note_and_final_statuses(world, follow_up):
    client = world.client_for("referent_a")
    with scopes_disabled():
        first, second = Objective.objects.filter(follow_up=follow_up).order_by("pk")
    response = client.post(
        _close_url(follow_up),
        {
            "outcome": Outcome.REFERRED,
            "closed_on": TODAY.isoformat(),
            "note": "Relais pris par le CPAS",
            f"objective_{first.pk}": ObjectiveStatus.PARTLY,
            f"objective_{second.pk}": ObjectiveStatus.REACHED,
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        closed = FollowUp.objects.get(pk=follow_up.pk)
        assert (closed.closed_on, closed.outcome, closed.closing_note) == (
            TODAY,
            Outcome.REFERRED,
            "Relais pris par le CPAS",
        )
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.status, second.status) == (ObjectiveStatus.PARTLY, ObjectiveStatus.REACHED)
    html = _page(client, follow_up.household)
    assert "Relais pris par le CPAS" in html and "Partiellement atteint" in html


def test_closing_refused_keeps_the_note(world, follow_up):
    client = world.client_for("referent_a")
    response = client.post(
        _close_url(follow_up), {"closed_on": TODAY.isoformat(), "note": "Ma note de clôture"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ma note de clôture" in body and "obligatoire" in body
    with scopes_disabled():
        assert FollowUp.objects.get(pk=follow_up.pk).is_open


def test_a_closed_follow_up_is_reopened_with_a_reason(world, follow_up):
    """Wrong before: a closed follow-up could not be reopened."""
    user = world.users["referent_a"]
    with scopes_disabled():
        services.close_follow_up(follow_up, outcome=Outcome.STABILISED, note="Fini")
    client = world.client_for("referent_a")
    url = reverse("accompaniment:follow_up_reopen", kwargs={"uuid": follow_up.uuid})
    assert "/reouverture/" in _page(client, follow_up.household)
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200
    with scopes_disabled():
        assert not FollowUp.objects.get(pk=follow_up.pk).is_open
    assert client.post(url, {"reason": "Nouvel impayé en mars"}).status_code == 302
    with scopes_disabled():
        reopened = FollowUp.objects.get(pk=follow_up.pk)
        assert reopened.is_open and reopened.outcome == ""
        (row,) = FollowUpReopening.objects.all()
        assert (row.previous_outcome, row.previous_note, row.reopened_by) == (
            Outcome.STABILISED,
            "Fini",
            user,
        )
    assert "Nouvel impayé en mars" in _page(client, follow_up.household)


def test_no_reopening_once_the_consent_is_withdrawn(world, follow_up):
    with scopes_disabled():
        services.withdraw_consent(follow_up.consent, user=world.users["referent_a"], reason="x")
        with pytest.raises(Exception, match="plus valable"):
            services.reopen_follow_up(follow_up, world.users["referent_a"], reason="Essai")


# --- Moments corrected or deleted ---


@pytest.fixture
def wrong_moment(world, household, follow_up):
    with scope(slsp=[world.slsp_a.pk]):
        return services.log_moment(
            household,
            world.users["referent_a"],
            kind=MomentKind.WELCOME,  # typing "Visite" picked the wrong kind
            date=DAY,
            duration_minutes=30,
            follow_up=follow_up,
            note="Passage chez le ménage",
            sensitivity=Sensitivity.HEALTH,
            sensitive_note="Hospitalisation de la mère",
        )


def _correct_url(moment):
    return reverse("accompaniment:moment_correct", kwargs={"uuid": moment.uuid})


def _correction(moment, **changes):
    data = {
        "moment-kind": moment.kind,
        "moment-date": moment.date.isoformat(),
        "moment-duration_minutes": str(moment.duration_minutes),
        "moment-follow_up": str(moment.follow_up_id or ""),
        "moment-note": moment.note,
        "moment-participants": moment.participants,
        "moment-reason": "Mauvais type choisi",
    }
    data.update({f"moment-{k}": v for k, v in changes.items()})
    return data


def test_the_author_corrects_a_moment_with_a_trace(world, household, wrong_moment):
    """Wrong before: a moment logged by mistake could not be corrected."""
    client = world.client_for("referent_a")
    form = client.get(_correct_url(wrong_moment)).content.decode()
    assert "Passage chez le ménage" in form
    assert "Hospitalisation" not in form  # the correction never shows the sensitive note
    response = client.post(
        _correct_url(wrong_moment), _correction(wrong_moment, kind=MomentKind.HOME_VISIT)
    )
    assert response.status_code == 302
    with scopes_disabled():
        moment = Moment.objects.get(pk=wrong_moment.pk)
        assert moment.kind == MomentKind.HOME_VISIT
        assert moment.sensitive_note == "Hospitalisation de la mère"  # untouched
        (revision,) = MomentRevision.objects.all()
        assert revision.before["kind"] == MomentKind.WELCOME
        assert revision.after["kind"] == MomentKind.HOME_VISIT
        assert "Hospitalisation" not in str(revision.before) + str(revision.after)
    html = _page(client, household)
    assert "Visite d&#x27;accueil → Visite à domicile" in html or (
        "Visite d'accueil → Visite à domicile" in html
    )
    assert "Mauvais type choisi" in html and "Hospitalisation" not in html


def test_correction_needs_a_reason_and_keeps_what_was_typed(world, wrong_moment):
    client = world.client_for("referent_a")
    response = client.post(
        _correct_url(wrong_moment),
        _correction(wrong_moment, kind=MomentKind.HOME_VISIT, note="Note retapée", reason=""),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Note retapée" in body and "obligatoire" in body
    with scopes_disabled():
        assert Moment.objects.get(pk=wrong_moment.pk).kind == MomentKind.WELCOME
        assert not MomentRevision.objects.exists()


def test_delete_confirms_then_keeps_a_trace(world, household, wrong_moment):
    client = world.client_for("direction_a")  # the direction may too
    url = reverse("accompaniment:moment_delete", kwargs={"uuid": wrong_moment.uuid})
    page = client.get(url)
    assert page.status_code == 200 and "Supprimer le moment" in page.content.decode()
    assert client.post(url, {"reason": ""}).status_code == 200
    with scopes_disabled():
        assert Moment.objects.filter(pk=wrong_moment.pk).exists()
    assert client.post(url, {"reason": "Noté deux fois"}).status_code == 302
    with scopes_disabled():
        assert not Moment.objects.filter(pk=wrong_moment.pk).exists()
        (revision,) = MomentRevision.objects.all()
        assert revision.moment is None and revision.moment_uuid == wrong_moment.uuid
        assert revision.before["sensitivity"] == Sensitivity.HEALTH
        assert "Hospitalisation" not in str(revision.before)
    html = _page(world.client_for("referent_a"), household)
    assert "Moment supprimé" in html and "Noté deux fois" in html


def test_only_the_author_or_the_direction(world, wrong_moment):
    for persona in ("accompagnateur_a", "referent_b", "coordinateur", "jury", "admin"):
        client = world.client_for(persona)
        assert client.get(_correct_url(wrong_moment)).status_code == 404, persona
        url = reverse("accompaniment:moment_delete", kwargs={"uuid": wrong_moment.uuid})
        assert client.post(url, {"reason": "Essai"}).status_code == 404, persona
    with scopes_disabled():
        assert Moment.objects.filter(pk=wrong_moment.pk).exists()


def test_household_history_queries_do_not_grow(
    world, household, wrong_moment, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client_for("referent_a")
    user = world.users["referent_a"]
    with scopes_disabled():
        services.correct_moment(
            wrong_moment, user, reason="Un", **_values(wrong_moment, duration_minutes=40)
        )
    with CaptureQueriesContext(connection) as ctx:
        _page(client, household)
    with scopes_disabled():
        for minutes in range(41, 51):
            services.correct_moment(
                wrong_moment,
                user,
                reason="Encore",
                **_values(wrong_moment, duration_minutes=minutes),
            )
    with django_assert_max_num_queries(len(ctx)):
        _page(client, household)


def _values(moment, **changes):
    moment = Moment.objects.get(pk=moment.pk)
    values = {
        "kind": moment.kind,
        "date": moment.date,
        "duration_minutes": moment.duration_minutes,
        "follow_up": moment.follow_up,
        "note": moment.note,
        "participants": moment.participants,
    }
    values.update(changes)
    return values


# --- Forms refused keep what was typed ---


def test_consent_form_error_keeps_the_typing(world, household):
    """Wrong before: an error sent the user back to the household page, typing lost."""
    client = world.client_for("referent_a")
    url = reverse("accompaniment:consent_create", kwargs={"uuid": household.uuid})
    response = client.post(
        url,
        {
            "consent-given_on": (TODAY + datetime.timedelta(days=5)).isoformat(),
            "consent-note": "Accord signé au bureau",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Accord signé au bureau" in body and "futur" in body
    with scopes_disabled():
        assert not Consent.objects.exists()


def test_follow_up_form_error_keeps_the_typing(world, household):
    client = world.client_for("referent_a")
    url = reverse("accompaniment:follow_up_create", kwargs={"uuid": household.uuid})
    response = client.post(url, {"followup-objective": "Objectif tapé"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Objectif tapé" in body and "obligatoire" in body
    with scopes_disabled():
        assert not FollowUp.objects.exists()


def test_moment_form_error_keeps_the_typing(world, household):
    client = world.client_for("referent_a")
    url = reverse("accompaniment:moment_create", kwargs={"uuid": household.uuid})
    response = client.post(
        url,
        {
            "moment-kind": MomentKind.PHONE,
            "moment-date": TODAY.isoformat(),
            "moment-duration_minutes": "9999",
            "moment-note": "Appel long du locataire",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Appel long du locataire" in body and "600" in body
    with scopes_disabled():
        assert not Moment.objects.exists()


# --- Other destructive actions confirm first ---


def test_unlinking_a_partner_confirms_first(world):
    """Wrong before: one click removed the partner from the network."""
    partner = PartnerFactory(name="Maison médicale")
    with scopes_disabled():
        SlspPartnerFactory(slsp=world.slsp_a, partner=partner)
    client = world.client_for("referent_a")
    detail = client.get(reverse("partners:detail", kwargs={"uuid": partner.uuid})).content.decode()
    url = reverse("partners:unlink", kwargs={"uuid": partner.uuid})
    assert f'href="{url}?slsp={world.slsp_a.pk}"' in detail
    page = client.get(f"{url}?slsp={world.slsp_a.pk}")
    assert page.status_code == 200 and "Retirer du réseau" in page.content.decode()
    with scopes_disabled():
        assert SlspPartner.objects.filter(partner=partner).exists()
    assert client.post(url, {"slsp": world.slsp_a.pk}).status_code == 302
    with scopes_disabled():
        assert not SlspPartner.objects.filter(partner=partner).exists()


# --- Erasure after the retention period ---


def test_erasure_leaves_no_text_of_corrections_and_withdrawals(world):
    from django.db import connection

    from apps.privacy import services as privacy
    from tests.privacy.factories import make_rich_household

    user = world.users["referent_a"]
    ended = TODAY - datetime.timedelta(days=7 * 366)
    household = make_rich_household(world.slsp_a, user, ended=ended)
    texts = ["Motif de correction Zorglub", "Note corrigée Zorglub", "Clôture Zorglub"]
    texts += ["Réouverture Zorglub", "Retrait Zorglub", "Suppression Zorglub"]
    with scopes_disabled():
        moment, other = Moment.objects.filter(household=household)[:2]
        follow_up = FollowUp.objects.filter(household=household).first()
        if not follow_up.is_open:
            follow_up.closed_on, follow_up.outcome = None, ""
            follow_up.save()
        services.correct_moment(moment, user, reason=texts[0], **_values(moment, note=texts[1]))
        services.delete_moment(other, user, reason=texts[5])
        services.close_follow_up(
            follow_up, outcome=Outcome.OTHER, closed_on=follow_up.opened_on, note=texts[2]
        )
        services.reopen_follow_up(follow_up, user, reason=texts[3])
        consent = Consent.objects.get(household=household)
        consent.expires_on = None
        consent.save()
        services.withdraw_consent(consent, user=user, on=consent.given_on, reason=texts[4])
    assert privacy.erase_expired_households() == [household.pk]
    found = []
    with connection.cursor() as cursor:
        for table in (
            "accompaniment_momentrevision",
            "accompaniment_followup",
            "accompaniment_followupreopening",
            "accompaniment_consentwithdrawal",
            "accompaniment_moment",
        ):
            cursor.execute(f'SELECT row_to_json(t)::text FROM "{table}" t')  # noqa: S608
            found += [
                (table, text) for (row,) in cursor.fetchall() for text in texts if text in row
            ]
    assert found == []
