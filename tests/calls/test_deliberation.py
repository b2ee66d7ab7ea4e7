"""Phases that hold, the juror's workspace and the deliberation outputs: the ranking and
its documents exist from the deliberation on, a juror confirms a hand-in seeing the
weighted total, the minutes, the ranking XLSX and the letters agree with the page."""

import datetime
import io
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.accounts.models import AccessLog, Membership, Notification, Role
from apps.calls import queries, receipts, scoring, services
from apps.calls.models import Assignment, CallStatus, Decision, DossierStatus, Outcome
from apps.core.formats import XLSX_AMOUNT
from tests.accounts.factories import make_user
from tests.calls import factories as f
from tests.slsps.factories import SlspFactory

SUBMITTED = DossierStatus.SUBMITTED
LONG_LABEL = "Pertinence au regard des besoins des locataires accompagnés"


def client(user):
    c = Client()
    c.force_login(user)
    return c


def pdf_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.fixture
def scored(world):
    """A call under review: three dossiers, three jurors, one juror has handed in."""
    call = f.make_call(
        CallStatus.REVIEW,
        criteria=[(LONG_LABEL, 2, True), ("Innovation", 1, True), ("Remarque", 1, False)],
        total_budget=Decimal("28000"),
        scoring_deadline=timezone.now() + datetime.timedelta(days=2),
    )
    criteria = list(call.criteria.order_by("position"))
    dossiers = [
        f.make_dossier(call, world.slsp_a, co=[world.slsp_b], status=SUBMITTED, title="Alpha"),
        f.make_dossier(call, SlspFactory(), status=SUBMITTED, title="Bêta"),
        f.make_dossier(call, SlspFactory(), status=SUBMITTED, title="Gamma"),
    ]
    jurors = [world.users["jury"], make_user(Role.JURY), make_user(Role.JURY)]
    # Only one juror has handed in a score for Alpha so far.
    f.make_assignment(
        dossiers[0], jurors[0], scores={criteria[0].pk: 5, criteria[1].pk: 5}, submitted=True
    )
    for juror in jurors[1:]:
        f.make_assignment(dossiers[0], juror)
    for dossier in dossiers[1:]:
        for juror in jurors:
            f.make_assignment(dossier, juror)
    return call, criteria, dossiers, jurors


def _finish_scoring(call, criteria, values):
    """Every assignment of the call handed in, with the values given per dossier title."""
    for a in Assignment.objects.filter(dossier__call=call).select_related("dossier"):
        if a.is_submitted:
            continue
        value = values.get(a.dossier.title, 3)
        for c in criteria:
            a.scores.update_or_create(criterion=c, defaults={"value": value})
        a.status = Assignment.Status.SUBMITTED
        a.save(update_fields=["status"])


# --- 1. Phases that hold ---


def test_no_ranking_on_partial_scores_during_review(world, scored):
    call, _criteria, _dossiers, _jurors = scored
    coord = client(world.users["coordinateur"])
    page = coord.get(reverse("calls:ranking", kwargs={"uuid": call.uuid}))
    html = page.content.decode()
    assert page.status_code == 200
    # No order, no total, no spread: progress only (scores in, missing, conflicts).
    assert "rows" not in page.context and "± " not in html and "Total /100" not in html
    assert "Évaluations manquantes" in html
    alpha = next(d for d in page.context["progress"]["per_dossier"] if d.title == "Alpha")
    assert (alpha.assigned, alpha.done, alpha.missing, alpha.conflicts) == (3, 1, 2, 0)
    for name in ("results_pdf", "minutes_pdf", "ranking_xlsx"):
        assert coord.get(reverse(f"calls:{name}", kwargs={"uuid": call.uuid})).status_code == 404


def test_decision_page_answers_only_from_deliberation_and_preselects_nothing(world, scored):
    call, criteria, dossiers, _jurors = scored
    coord = client(world.users["coordinateur"])
    url = reverse("calls:decision", kwargs={"uuid": dossiers[0].uuid})
    assert coord.get(url).status_code == 404
    assert coord.post(url, {"outcome": "selected", "rationale": "x"}).status_code == 404
    with pytest.raises(services.DecisionRefused):
        services.decide(dossiers[0], world.users["coordinateur"], "rejected", None, "x")
    _finish_scoring(call, criteria, {"Alpha": 4, "Bêta": 3, "Gamma": 2})
    call = services.transition(call, CallStatus.DELIBERATION)
    page = coord.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'type="radio"' in html and "checked" not in html
    # Nothing chosen: a clear French message, the motivation typed is kept.
    refused = coord.post(url, {"rationale": "Motivation tapée"})
    html = refused.content.decode()
    assert "Choisissez une décision." in html and "Motivation tapée" in html
    assert not Decision.objects.exists()
    assert not Decision.objects.exists()


def _deliberate(world, scored, granted=("10000", "9000")):
    call, criteria, dossiers, jurors = scored
    _finish_scoring(call, criteria, {"Alpha": 4, "Bêta": 3, "Gamma": 2})
    call = services.transition(call, CallStatus.DELIBERATION)
    coord = world.users["coordinateur"]
    services.decide(dossiers[0], coord, Outcome.SELECTED, Decimal(granted[0]), "Projet solide")
    services.decide(dossiers[1], coord, Outcome.SELECTED, Decimal(granted[1]), "Bon ancrage")
    services.decide(dossiers[2], coord, Outcome.REJECTED, None, "Budget peu réaliste")
    services.save_attendance(call, jurors[:2])
    return call


def test_results_are_provisional_until_decisions_are_final(world, scored):
    call = _deliberate(world, scored)
    coord = client(world.users["coordinateur"])
    kwargs = {"uuid": call.uuid}
    assert "provisoire" in coord.get(reverse("calls:ranking", kwargs=kwargs)).content.decode()
    for name in ("results_pdf", "minutes_pdf"):
        text = flat(" ".join(pdf_text(coord.get(reverse(f"calls:{name}", kwargs=kwargs)).content)))
        assert "document provisoire" in text.lower(), name
    sheet = load_workbook(
        io.BytesIO(coord.get(reverse("calls:ranking_xlsx", kwargs=kwargs)).content)
    ).active
    assert "provisoire" in str(sheet["A2"].value)
    call = services.transition(call, CallStatus.DECIDED)
    for name in ("results_pdf", "minutes_pdf"):
        text = flat(" ".join(pdf_text(coord.get(reverse(f"calls:{name}", kwargs=kwargs)).content)))
        assert "provisoire" not in text.lower(), name
    assert "provisoire" not in coord.get(reverse("calls:ranking", kwargs=kwargs)).content.decode()


# --- 2. The juror's workspace ---


def test_final_submission_is_confirmed_with_weighted_total_and_weights(world, scored):
    _call, criteria, dossiers, jurors = scored
    juror = jurors[0]
    assignment = Assignment.objects.get(dossier=dossiers[1], juror=juror)
    c = client(juror)
    score_url = reverse("calls:score", kwargs={"uuid": assignment.uuid})
    data = {f"score_{criteria[0].pk}": "4", f"score_{criteria[1].pk}": "2", "submit": "1"}
    response = c.post(score_url, data)
    confirm_url = reverse("calls:score_submit", kwargs={"uuid": assignment.uuid})
    assert response["Location"] == confirm_url
    page = c.get(confirm_url).content.decode()
    # (2 x 4/5 + 1 x 2/5) / 3 x 100 = 66,67; each criterion with its weight.
    assert "Total pondéré : 66,67 / 100" in page
    assert "poids 2,00" in page and "poids 1,00" in page
    assignment.refresh_from_db()
    assert not assignment.is_submitted  # the GET only asks
    assert c.post(confirm_url).status_code == 302
    assignment.refresh_from_db()
    assert assignment.is_submitted
    after = c.get(score_url).content.decode()
    assert "66,67 / 100" in after and "2,00" in after and "Poids" in after
    # A second confirmation does nothing more.
    assert c.get(confirm_url)["Location"] == score_url


def test_juror_list_puts_work_first_and_shows_deadlines_without_seconds(world):
    juror = make_user(Role.JURY)
    deadline = timezone.make_aware(datetime.datetime(2026, 11, 3, 18, 0, 42))
    decided = f.make_call(CallStatus.DECIDED, title="Appel décidé")
    review = f.make_call(CallStatus.REVIEW, title="Appel en cours", scoring_deadline=deadline)
    old = f.make_dossier(decided, SlspFactory(), status=SUBMITTED, title="A ancien")
    done = f.make_dossier(review, SlspFactory(), status=SUBMITTED, title="B remis")
    todo = f.make_dossier(review, SlspFactory(), status=SUBMITTED, title="C à faire")
    f.make_assignment(old, juror, submitted=True)
    f.make_assignment(done, juror, submitted=True)
    f.make_assignment(todo, juror)
    page = client(juror).get(reverse("calls:jury_list")).content.decode()
    order = [page.index(t) for t in ("C à faire", "B remis", "A ancien")]
    assert order == sorted(order)
    assert "03/11/2026 18:00" in page and "18:00:42" not in page


def test_printable_dossier_after_the_declaration_only_and_logged(world, scored):
    _call, _criteria, dossiers, jurors = scored
    juror = jurors[1]
    assignment = Assignment.objects.get(dossier=dossiers[1], juror=juror)
    assignment.conflict = Assignment.Conflict.UNDECLARED
    assignment.save(update_fields=["conflict"])
    c = client(juror)
    url = reverse("calls:dossier_pdf", kwargs={"uuid": assignment.uuid})
    assert c.get(url).status_code == 404
    assert not AccessLog.objects.filter(view_name="calls:dossier_pdf").exists()
    assignment.conflict = Assignment.Conflict.NONE
    assignment.save(update_fields=["conflict"])
    response = c.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = flat(" ".join(pdf_text(response.content)))
    assert "Bêta" in text and "10 000,00 €" in text and "Accueil" in text
    log = AccessLog.objects.get(view_name="calls:dossier_pdf")
    assert log.user == juror and log.object_id == str(dossiers[1].uuid)
    # Another juror (not assigned) and a conflicted one never get it.
    other = make_user(Role.JURY)
    assert client(other).get(url).status_code == 404
    assignment.conflict = Assignment.Conflict.CONFLICT
    assignment.save(update_fields=["conflict"])
    assert c.get(url).status_code == 404


def test_late_jurors_are_reminded_once_a_day(
    world, scored, settings, django_capture_on_commit_callbacks
):
    settings.JURY_REMINDER_DAYS = 3
    call, _criteria, _dossiers, jurors = scored
    far = f.make_call(
        CallStatus.REVIEW, scoring_deadline=timezone.now() + datetime.timedelta(days=10)
    )
    f.make_assignment(f.make_dossier(far, SlspFactory(), status=SUBMITTED), jurors[0])
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_late_jurors() == 3  # each juror still has work on `call`
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 3 and all(call.title in s for s in subjects)
    body = next(m.body for m in mail.outbox if m.to == [jurors[1].email])
    assert "3 dossier(s)" in body and re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d\.", body)
    assert Notification.objects.filter(user=jurors[1], url=reverse("calls:jury_list")).exists()
    assert services.remind_late_jurors() == 0  # not twice the same day
    later = timezone.now() + datetime.timedelta(days=1)
    Assignment.objects.filter(juror=jurors[2]).update(status=Assignment.Status.SUBMITTED)
    assert services.remind_late_jurors(later) == 2  # the one who handed in is left alone


def test_conflict_prompts_the_president_who_replaces_from_the_pool(
    world, scored, django_capture_on_commit_callbacks
):
    call, _criteria, dossiers, jurors = scored
    juror = jurors[2]
    dossier = dossiers[2]
    assignment = Assignment.objects.get(dossier=dossier, juror=juror)
    assignment.conflict = Assignment.Conflict.UNDECLARED
    assignment.save(update_fields=["conflict"])
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        client(juror).post(
            reverse("calls:conflict", kwargs={"uuid": assignment.uuid}),
            {"has_conflict": "yes", "reason": "Ancien administrateur"},
        )
    replace_url = reverse("calls:replace", kwargs={"uuid": dossier.uuid})
    coord = world.users["coordinateur"]
    note = Notification.objects.get(user=coord)
    assert note.url == replace_url and "Gamma" in note.body
    assert any(coord.email in m.to for m in mail.outbox)
    c = client(coord)
    assign_page = c.get(reverse("calls:jury_assign", kwargs={"uuid": call.uuid})).content.decode()
    assert replace_url in assign_page
    # The pool: jurors not on the dossier and with no role in an applicant SLSP.
    spare = make_user(Role.JURY, last_name="Réserve")
    linked = make_user(Role.JURY, last_name="Lié")
    Membership.objects.create(user=linked, role=Role.DIRECTION, slsp=dossier.lead_slsp)
    page = c.get(replace_url)
    pool = list(page.context["form"].fields["juror"].queryset)
    assert spare in pool and linked not in pool and juror not in pool
    # Bad input: a clear French message, nothing saved.
    for bad in ({}, {"juror": str(linked.pk)}, {"juror": "abc"}):
        refused = c.post(replace_url, bad)
        assert refused.status_code == 200
        assert (
            "Choisissez un membre du jury." in refused.content.decode()
            or "ne peut pas évaluer" in refused.content.decode()
        )
    assert Assignment.objects.filter(dossier=dossier).count() == 3
    assert c.post(replace_url, {"juror": str(spare.pk)}).status_code == 302
    assert Assignment.objects.filter(dossier=dossier, juror=spare).exists()
    assert not queries.short_of_jurors(call).exists()


# --- 3. Deliberation outputs ---


def test_minutes_with_attendance_decisions_budget_and_signatures(world, scored):
    call = _deliberate(world, scored)
    _call, _criteria, _dossiers, jurors = scored
    coord = client(world.users["coordinateur"])
    # Attendance form: bad input refused, nothing changed.
    response = coord.post(
        reverse("calls:attendance", kwargs={"uuid": call.uuid}), {"attendees": ["999999"]}
    )
    assert response.status_code == 302 and call.attendees.count() == 2
    pages = pdf_text(coord.get(reverse("calls:minutes_pdf", kwargs={"uuid": call.uuid})).content)
    text = flat(" ".join(pages))
    assert "Procès-verbal de la délibération du jury" in text
    assert jurors[0].last_name in text and jurors[1].last_name in text
    assert jurors[2].last_name not in text
    for expected in ("Projet solide", "Budget peu réaliste", "Non retenu", "Signatures"):
        assert expected in text, expected
    assert "Total accordé 19 000,00 €" in text and "Solde de l'enveloppe 9 000,00 €" in text


def test_decision_letter_per_applicant_slsp(world, scored):
    call = _deliberate(world, scored)
    _call, _criteria, dossiers, _jurors = scored
    coord = client(world.users["coordinateur"])

    def url(slsp):
        return reverse(
            "calls:decision_letter", kwargs={"uuid": dossiers[0].uuid, "slsp": slsp.uuid}
        )

    assert coord.get(url(world.slsp_a)).status_code == 404  # decisions not final yet
    call = services.transition(call, CallStatus.DECIDED)
    for slsp, role in ((world.slsp_a, "porteuse"), (world.slsp_b, "co-candidate")):
        text = flat(" ".join(pdf_text(coord.get(url(slsp)).content))).replace("co- ", "co-")
        assert slsp.official_name in text and f"SLSP {role}" in text, text
        assert (
            "Retenu" in text and "Montant accordé 10 000,00 €" in text and "Projet solide" in text
        )
        assert LONG_LABEL in text and "Innovation" in text
    assert coord.get(url(SlspFactory())).status_code == 404
    assert client(world.users["referent_a"]).get(url(world.slsp_a)).status_code == 404


def test_page_pdf_and_xlsx_read_the_same_figures(world, scored):
    call = _deliberate(world, scored)
    call = services.transition(call, CallStatus.DECIDED)
    coord = client(world.users["coordinateur"])
    kwargs = {"uuid": call.uuid}
    data = queries.deliberation(call)
    figures = data["figures"]
    assert figures["granted"] == Decimal("19000") and figures["remaining"] == Decimal("9000")
    page = coord.get(reverse("calls:ranking", kwargs=kwargs)).content.decode()
    page = page.replace("\u00a0", " ")
    # The criterion's header holds its full label (it wraps), not a cut one.
    assert re.search(r'<th scope="col" class="num criterion">' + re.escape(LONG_LABEL), page)
    results = flat(
        " ".join(pdf_text(coord.get(reverse("calls:results_pdf", kwargs=kwargs)).content))
    )
    minutes = flat(
        " ".join(pdf_text(coord.get(reverse("calls:minutes_pdf", kwargs=kwargs)).content))
    )
    for text in (page, results, minutes):
        assert "19 000,00 €" in text and "9 000,00 €" in text and "28 000,00 €" in text
    book = load_workbook(
        io.BytesIO(coord.get(reverse("calls:ranking_xlsx", kwargs=kwargs)).content)
    )
    sheet = book.active
    header = [c.value for c in sheet[2]]
    assert header[4].startswith(LONG_LABEL)  # the full label, never cut
    rows = {r[1].value: r for r in sheet.iter_rows(min_row=3) if r[1].value in ("Alpha", "Bêta")}
    by_title = {r.dossier.title: r for r in data["rows"]}
    for title, cells in rows.items():
        row = by_title[title]
        assert cells[0].value == row.rank
        assert cells[3].value == pytest.approx(round(row.total, 2))
        # The same total on the page and in the results PDF.
        shown = f"{row.total:.2f}".replace(".", ",")
        assert shown in page and shown in results
        granted = cells[header.index("Accordé (€)")]
        assert granted.value == float(row.dossier.decision.granted_amount)
        assert granted.number_format == XLSX_AMOUNT
    totals = {r[1].value: r[3] for r in sheet.iter_rows(min_row=3) if r[1].value}
    assert (
        totals["Total accordé"].value == 19000
        and totals["Total accordé"].number_format == XLSX_AMOUNT
    )


def test_xlsx_text_cells_are_neutralised(world, scored):
    call, _criteria, dossiers, _jurors = scored
    dossiers[1].title = '=HYPERLINK("https://evil.example")'
    dossiers[1].save(update_fields=["title"])
    call = _deliberate(world, scored)
    content = (
        client(world.users["coordinateur"])
        .get(reverse("calls:ranking_xlsx", kwargs={"uuid": call.uuid}))
        .content
    )
    titles = [r[1].value for r in load_workbook(io.BytesIO(content)).active.iter_rows(min_row=3)]
    assert '\'=HYPERLINK("https://evil.example")' in titles


def _many(call, n):
    criteria = list(call.criteria.all())
    juror = make_user(Role.JURY)
    for i in range(n):
        dossier = f.make_dossier(call, SlspFactory(), status=SUBMITTED, title=f"Dossier {i:02d}")
        f.make_assignment(dossier, juror, scores={c.pk: i % 6 for c in criteria}, submitted=True)
        Decision.objects.create(
            dossier=dossier,
            outcome="selected" if i % 2 else "rejected",
            granted_amount=Decimal("500") if i % 2 else None,
            rationale="Motivation du jury " * 8,
        )


def test_results_pdf_totals_per_criterion_and_no_footer_only_page(world):
    call = f.make_call(
        CallStatus.DECIDED,
        criteria=[(LONG_LABEL, 3, True), ("Qualité du partenariat", 2, True), ("B", 1, False)],
    )
    _many(call, 45)
    coord = client(world.users["coordinateur"])
    pages = pdf_text(coord.get(reverse("calls:results_pdf", kwargs={"uuid": call.uuid})).content)
    assert len(pages) > 1
    text = flat(" ".join(pages))
    assert "Total accordé 11 000,00 €" in text and "Enveloppe de l'appel 100 000,00 €" in text
    assert "Qualité du partenariat" in text and "poids 3,00" in text
    assert LONG_LABEL in text  # the criterion headers wrap, never cut
    for number, page in enumerate(pages, start=1):
        # What a page holds besides its running title, page number and "produced on" line.
        body = flat(page)
        for noise in (call.title, f"Page {number} / {len(pages)}"):
            body = body.replace(noise, "")
        body = re.sub(r"Document produit le [\d/: ]+\.", "", body).strip()
        assert len(body) > 40, (number, page)


@pytest.mark.parametrize(
    "url_name", ["calls:ranking", "calls:replace", "calls:jury_list", "calls:score_submit"]
)
def test_query_counts_of_the_new_pages_are_constant(world, url_name):
    counts = []
    for size in (1, 3, 60):
        call = f.make_call(CallStatus.REVIEW, criteria=[("A", 2, True), ("B", 1, False)])
        juror = make_user(Role.JURY)
        first = None
        for i in range(size):
            dossier = f.make_dossier(call, SlspFactory(), status=SUBMITTED, title=f"D{i}")
            a = f.make_assignment(dossier, juror, scores={c.pk: 3 for c in call.criteria.all()})
            f.make_assignment(dossier, make_user(Role.JURY), conflict=Assignment.Conflict.CONFLICT)
            first = first or a
        user, kwargs = world.users["coordinateur"], {"uuid": call.uuid}
        if url_name == "calls:replace":
            kwargs = {"uuid": first.dossier.uuid}
        elif url_name == "calls:jury_list":
            user, kwargs = juror, {}
        elif url_name == "calls:score_submit":
            user, kwargs = juror, {"uuid": first.uuid}
        c = client(user)
        c.get(reverse(url_name, kwargs=kwargs))
        with CaptureQueriesContext(connection) as ctx:
            response = c.get(reverse(url_name, kwargs=kwargs))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    print(url_name, "queries for 1, 3, 60 dossiers:", counts)
    assert counts[0] == counts[1] == counts[2], counts


def test_deliberation_outputs_query_counts_are_constant(world):
    counts = {name: [] for name in ("ranking", "minutes_pdf", "ranking_xlsx", "results_pdf")}
    for size in (1, 3, 60):
        call = f.make_call(CallStatus.DELIBERATION, criteria=[("A", 2, True), ("B", 1, False)])
        _many(call, size)
        c = client(world.users["coordinateur"])
        for name in counts:
            url = reverse(f"calls:{name}", kwargs={"uuid": call.uuid})
            with CaptureQueriesContext(connection) as ctx:
                assert c.get(url).status_code == 200
            counts[name].append(len(ctx.captured_queries))
    print("deliberation outputs, queries for 1, 3, 60 dossiers:", counts)
    for name, values in counts.items():
        assert values[0] == values[1] == values[2], (name, values)


def _synthetic(n):
    """Results of `n` dossiers without the database: the page layout alone is tested."""
    criteria = [
        scoring.CriterionSpec(
            i, f"Critère numéro {i} assez long pour être repris", Decimal(2), 0, 5, True
        )
        for i in range(4)
    ]
    rows = []
    for i in range(n):
        decision = SimpleNamespace(
            get_outcome_display=lambda: "Retenu", granted_amount=Decimal(500), outcome="selected"
        )
        dossier = SimpleNamespace(
            title=f"Dossier {i}",
            lead_slsp=SimpleNamespace(official_name="SLSP"),
            n_applicants=1,
            requested_amount=Decimal(10000),
            decision=decision,
        )
        stats = [scoring.CriterionStats(c, 2, 3.0, 0.5, False) for c in criteria]
        rows.append(SimpleNamespace(rank=i + 1, total=50.0, dossier=dossier, criteria=stats))
    call = SimpleNamespace(
        title="Appel", closes_at=timezone.now(), jury_meeting_on=None, deliberation_notes=""
    )
    figures = {"budget": 1, "granted": 1, "remaining": 0, "over_budget": False}
    figures |= {"selected": n, "waiting": 0, "rejected": 0, "undecided": 0}
    summary = {"requested": 1, "submitted": n, "slsps": n}
    data = {"rows": rows, "criteria": criteria, "summary": summary, "figures": figures}
    return call, {**data, "provisional": False}


def test_the_produced_on_line_never_stands_alone_on_the_last_page():
    # Some counts (8 and 28 in portrait) put the line alone on a last page before it was kept
    # with the table.
    for n in range(4, 40, 2):
        pages = pdf_text(receipts.results_pdf(*_synthetic(n)))
        last = re.sub(r"Document produit le [\d/: ]+\.|Page \d+ / \d+|Appel", "", pages[-1])
        assert last.strip(), (n, len(pages))
