"""Jury: conflicts, blind scoring, consolidation views, decisions, query counts."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from apps.accounts.models import Membership, Role
from apps.calls import queries, services
from apps.calls.models import Assignment, CallStatus, Decision, Dossier, DossierStatus, Score
from tests.accounts.factories import make_user
from tests.calls import factories as f
from tests.slsps.factories import SlspFactory

SUBMITTED = DossierStatus.SUBMITTED


def client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def review(world):
    call = f.make_call(
        CallStatus.REVIEW,
        criteria=[
            ("Individuel et collectif", 2, True),
            ("Innovation", 1, True),
            ("Remarque", 1, False),
        ],
    )
    dossier = f.make_dossier(call, world.slsp_a, co=[world.slsp_b], status=SUBMITTED)
    return call, dossier


def test_automatic_conflict_excludes_a_juror_of_an_applicant_slsp(world, review):
    call, dossier = review
    juror = world.users["referent_b"]  # référent of the co-applicant SLSP B
    Membership.objects.create(user=juror, role=Role.JURY)
    with pytest.raises(services.AssignmentRefused, match="automatique"):
        services.assign(dossier, juror)
    # Even a row slipped in by hand never opens the dossier.
    assignment = Assignment.objects.create(dossier=dossier, juror=juror)
    c = client(juror)
    assert c.get(reverse("calls:score", kwargs={"uuid": assignment.uuid})).status_code == 404
    assert c.get(reverse("calls:conflict", kwargs={"uuid": assignment.uuid})).status_code == 404
    assert juror not in [a.juror for a in queries.juror_list(juror)]


def test_balanced_assignment_skips_conflicts_and_spreads_the_load(world, review):
    call, _dossier = review
    others = [f.make_dossier(call, SlspFactory(), status=SUBMITTED) for _ in range(5)]
    jurors = [make_user(Role.JURY) for _ in range(4)]
    linked = jurors[0]
    Membership.objects.create(user=linked, role=Role.DIRECTION, slsp=world.slsp_a)
    dossiers = list(
        queries.dossiers_for(world.users["coordinateur"])
        .filter(call=call)
        .prefetch_related(queries.applicants_prefetch())
    )
    result = services.assign_balanced(call, 2, jurors, dossiers)
    assert result.created == 12 and not result.short
    assert not Assignment.objects.filter(juror=linked, dossier=review[1]).exists()
    loads = sorted(Assignment.objects.filter(juror__in=jurors).values_list("juror", flat=True))
    counts = [loads.count(j.pk) for j in jurors]
    assert max(counts) - min(counts) <= 1
    assert len(others) == 5


def test_conflict_declared_before_opening_then_never_opens(world, review):
    _call, dossier = review
    juror = world.users["jury"]
    assignment = f.make_assignment(dossier, juror, conflict=Assignment.Conflict.UNDECLARED)
    c = client(juror)
    score_url = reverse("calls:score", kwargs={"uuid": assignment.uuid})
    conflict_url = reverse("calls:conflict", kwargs={"uuid": assignment.uuid})
    detail_url = reverse("calls:dossier_detail", kwargs={"uuid": dossier.uuid})
    assert c.get(score_url)["Location"] == conflict_url
    response = c.post(conflict_url, {"has_conflict": "yes", "reason": ""})
    assert response.status_code == 200 and "motif" in response.content.decode()
    response = c.post(conflict_url, {"has_conflict": "peut-être"})
    assert response.status_code == 200
    c.post(conflict_url, {"has_conflict": "yes", "reason": "Ancienne administratrice"})
    for url in (score_url, conflict_url, detail_url):
        assert c.get(url).status_code == 404


def test_blind_scoring(world, review):
    call, dossier = review
    criteria = list(call.criteria.order_by("position"))
    j1, j2 = world.users["jury"], make_user(Role.JURY)
    a1 = f.make_assignment(dossier, j1)
    f.make_assignment(dossier, j2, scores={criteria[0].pk: 5, criteria[1].pk: 1}, submitted=True)
    Score.objects.filter(assignment__juror=j2).update(comment="Très convaincant")
    c = client(j1)
    url = reverse("calls:score", kwargs={"uuid": a1.uuid})
    assert "Très convaincant" not in c.get(url).content.decode()
    # Submitting with a counting criterion missing is refused and saves nothing.
    data = {f"score_{criteria[0].pk}": "4", "overall_comment": "Bien", "submit": "1"}
    response = c.post(url, data)
    assert response.status_code == 200
    assert "Innovation" in response.content.decode()
    assert not a1.scores.exists()
    response = c.post(url, {**data, f"score_{criteria[0].pk}": "9"})
    assert response.status_code == 200 and not a1.scores.exists()
    data[f"score_{criteria[1].pk}"] = "3"
    # Handing in saves the draft, then asks for confirmation with the weighted total.
    confirm_url = reverse("calls:score_submit", kwargs={"uuid": a1.uuid})
    response = c.post(url, data)
    assert response.status_code == 302 and response["Location"] == confirm_url
    a1.refresh_from_db()
    assert not a1.is_submitted and a1.scores.count() == 3
    assert c.post(confirm_url).status_code == 302
    a1.refresh_from_db()
    assert a1.is_submitted
    # Own review submitted, but the call is still in review: still blind.
    assert "Très convaincant" not in c.get(url).content.decode()
    call.status = CallStatus.DELIBERATION
    call.save(update_fields=["status"])
    page = c.get(url).content.decode()
    assert "Très convaincant" in page
    assert j2.last_name not in page and j2.email not in page


def test_ranking_decision_feedback_and_results_pdf(world, review):
    call, dossier = review
    criteria = list(call.criteria.order_by("position"))
    second = f.make_dossier(call, world.slsp_b, status=SUBMITTED, title="Deuxième projet")
    j1, j2 = world.users["jury"], make_user(Role.JURY, last_name="Sévère")
    f.make_assignment(dossier, j1, scores={criteria[0].pk: 5, criteria[1].pk: 5}, submitted=True)
    f.make_assignment(dossier, j2, scores={criteria[0].pk: 1, criteria[1].pk: 1}, submitted=True)
    f.make_assignment(second, j1, scores={criteria[0].pk: 3, criteria[1].pk: 3}, submitted=True)
    Assignment.objects.filter(juror=j2).update(overall_comment="Partenariats à préciser")
    services.transition(call, CallStatus.DELIBERATION)
    coord = client(world.users["coordinateur"])
    page = coord.get(reverse("calls:ranking", kwargs={"uuid": call.uuid}))
    rows = page.context["rows"]
    by_title = {r.dossier.title: r for r in rows}
    # 60 and 60: a tie shows the same rank.
    assert [r.rank for r in rows] == [1, 1]
    assert by_title["Projet de test"].total == by_title["Deuxième projet"].total == 60
    assert by_title["Projet de test"].flagged and not by_title["Deuxième projet"].flagged
    url = reverse("calls:decision", kwargs={"uuid": dossier.uuid})
    bad = coord.post(url, {"outcome": "selected", "granted_amount": "999999", "rationale": "x"})
    assert bad.status_code == 200 and not Decision.objects.exists()
    bad = coord.post(url, {"outcome": "rejected", "granted_amount": "10", "rationale": "x"})
    assert bad.status_code == 200 and not Decision.objects.exists()
    bad = coord.post(url, {"outcome": "n'importe", "rationale": ""})
    assert bad.status_code == 200 and not Decision.objects.exists()
    ok = coord.post(
        url, {"outcome": "selected", "granted_amount": "8000", "rationale": "Projet solide"}
    )
    assert ok.status_code == 302
    coord.post(
        reverse("calls:decision", kwargs={"uuid": second.uuid}),
        {"outcome": "waiting", "rationale": "En attente de budget"},
    )
    coord.post(reverse("calls:notes", kwargs={"uuid": call.uuid}), {"deliberation_notes": "Vote"})
    services.transition(call, CallStatus.DECIDED)
    pdf = coord.get(reverse("calls:results_pdf", kwargs={"uuid": call.uuid}))
    assert pdf["Content-Disposition"].startswith("attachment")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Résultats de l'appel à projets" in text
    flat = " ".join(text.split())
    assert "Projet de test" in flat and "Retenu" in flat and "Liste d'attente" in flat, flat
    # The applicant (co-applicant SLSP B here) sees the result and comments, no names.
    page = world.client_for("referent_b").get(
        reverse("calls:dossier_detail", kwargs={"uuid": dossier.uuid})
    )
    html = page.content.decode()
    assert "Projet solide" in html and "Partenariats à préciser" in html
    assert "Sévère" not in html and j1.email not in html
    # Selected dossiers reach the good-practice library of every référent.
    outsider = make_user(Role.REFERENT, SlspFactory())
    library = client(outsider).get(reverse("calls:library")).content.decode()
    assert "Projet de test" in library and "Deuxième projet" not in library


def _fill(call, juror, n):
    criteria = list(call.criteria.all())
    for i in range(n):
        lead = SlspFactory()
        dossier = f.make_dossier(call, lead, co=[SlspFactory()], status=SUBMITTED, title=f"D{i}")
        f.make_assignment(
            dossier, juror, scores={c.pk: Decimal(i % 6) for c in criteria}, submitted=True
        )
        f.make_assignment(
            dossier, make_user(Role.JURY), scores={c.pk: 3 for c in criteria}, submitted=True
        )
        Decision.objects.create(dossier=dossier, outcome="selected", rationale="ok")


@pytest.mark.parametrize("url_name", ["calls:jury_list", "calls:ranking", "calls:jury_assign"])
def test_query_counts_do_not_grow_with_dossiers(world, url_name):
    counts = []
    for size in (1, 3, 60):
        call = f.make_call(CallStatus.DELIBERATION, criteria=[("A", 2, True), ("B", 1, False)])
        juror = make_user(Role.JURY)
        _fill(call, juror, size)
        if url_name != "calls:jury_list":
            user, kwargs = world.users["coordinateur"], {"uuid": call.uuid}
        else:
            user, kwargs = juror, {}
        c = client(user)
        c.get(reverse(url_name, kwargs=kwargs))  # warm the session
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = c.get(reverse(url_name, kwargs=kwargs))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    print(url_name, "queries for 1, 3, 60 dossiers:", counts)
    assert counts[0] == counts[1] == counts[2], counts
    if url_name == "calls:ranking":
        # Eight for the ranking itself (ten before the summary was derived from its rows),
        # plus the attendance form: the call's jurors and those marked present.
        assert counts[0] <= 10, counts


def test_jury_work_is_tied_to_the_review_phase(world, review):
    call, dossier = review
    juror = world.users["jury"]
    # Assigning while the call is still open is refused (a dossier may still be withdrawn).
    open_call = f.make_call(CallStatus.OPEN, title="Appel ouvert")
    early = f.make_dossier(open_call, world.slsp_b, status=SUBMITTED)
    with pytest.raises(services.AssignmentRefused, match="clôturé ou en évaluation"):
        services.assign(early, juror)
    response = client(world.users["coordinateur"]).post(
        reverse("calls:assign_balanced", kwargs={"uuid": open_call.uuid}),
        {"per_dossier": "2"},
        follow=True,
    )
    assert "clôturé ou en évaluation" in response.content.decode()
    assert not Assignment.objects.filter(dossier=early).exists()
    # Once deliberation has begun, a draft review can no longer be changed or submitted.
    criteria = list(call.criteria.order_by("position"))
    assignment = f.make_assignment(dossier, juror, scores={criteria[0].pk: 2})
    call.status = CallStatus.DELIBERATION
    call.save(update_fields=["status"])
    url = reverse("calls:score", kwargs={"uuid": assignment.uuid})
    response = client(juror).post(
        url,
        {f"score_{c.pk}": "5" for c in criteria} | {"overall_comment": "Tard", "submit": "1"},
    )
    assert response.status_code == 200
    assert "L'évaluation est terminée" in response.content.decode()
    assignment.refresh_from_db()
    assert not assignment.is_submitted and assignment.overall_comment == ""
    assert list(assignment.scores.values_list("value", flat=True)) == [2]
    with pytest.raises(services.AssignmentRefused):
        services.save_scores(assignment, criteria, {}, submit=False)


def test_non_counting_criterion_is_labelled_hors_total(world, review):
    # "informe" alone reads as "shapeless" in French: the badge says what it means.
    call, dossier = review
    juror = world.users["jury"]
    assignment = f.make_assignment(dossier, juror)
    coord = client(world.users["coordinateur"])
    pages = [
        coord.get(reverse("calls:call_detail", kwargs={"uuid": call.uuid})),
        client(juror).get(reverse("calls:score", kwargs={"uuid": assignment.uuid})),
    ]
    call.status = CallStatus.DELIBERATION  # the ranking exists from the deliberation on
    call.save(update_fields=["status"])
    pages.append(coord.get(reverse("calls:ranking", kwargs={"uuid": call.uuid})))
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "hors total" in html and "informe" not in html


def test_empty_ranking_row_spans_every_column(world, review):
    call, _dossier = review
    Dossier.objects.with_scopes_disabled().filter(call=call).update(status=DossierStatus.DRAFT)
    call.status = CallStatus.DELIBERATION
    call.save(update_fields=["status"])
    page = client(world.users["coordinateur"]).get(
        reverse("calls:ranking", kwargs={"uuid": call.uuid})
    )
    # Rank, dossier, total, z, 3 criteria, requested, cumulative, decision.
    assert '<td colspan="10">' in page.content.decode()


def test_ranking_summary_equals_call_summary(world, review):
    # The ranking page derives its summary from its rows: it must match the call summary.
    call, _dossier = review
    f.make_dossier(call, world.slsp_b, status=SUBMITTED, title="Sans montant", complete=False)
    f.make_dossier(call, SlspFactory(), co=[SlspFactory()], title="Brouillon")
    shared = f.make_dossier(call, world.slsp_b, co=[world.slsp_a], status=SUBMITTED)
    Dossier.objects.with_scopes_disabled().filter(pk=shared.pk).update(
        requested_amount=Decimal("1234.56")
    )
    expected = queries.call_summary(call)
    summary = queries.ranking_summary(call, queries.ranking(call)["rows"])
    assert summary == {k: expected[k] for k in ("submitted", "slsps", "requested")}
    assert summary["submitted"] == 3 and summary["slsps"] == 2
    assert summary["requested"] == Decimal("11234.56")
    empty = f.make_call(CallStatus.REVIEW, title="Vide")
    assert queries.ranking_summary(empty, []) == {"submitted": 0, "slsps": 0, "requested": 0}
    assert queries.call_summary(empty)["requested"] == 0
