"""A call from dossier to decision, in Debian's Chromium: the direction approves a dossier,
the référent submits it, three jurors score (one declares a conflict and the president
replaces them from the pool), the president deliberates and publishes: the minutes (PV),
the ranking XLSX and a decision letter are downloaded and read."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.accounts.models import Notification, Role
from apps.calls.models import Assignment, CallStatus, Decision
from tests.accounts.factories import PASSWORD, make_user
from tests.browser.helpers import chromium_page, login
from tests.calls import factories as f
from tests.slsps.factories import SlspFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/work/shots/jury")


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def _flat(text):
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _download(page, link_name):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).first.click()
    return Path(info.value.path()).read_bytes()


def _score(page, base, juror, dossier, criteria, values, shot=None, signed_in=False):
    """Declare no conflict on the dossier, score it, hand it in through the confirmation."""
    if not signed_in:
        login(page, base, juror.email, PASSWORD)
    page.goto(f"{base}/appels/jury/")
    page.get_by_role("link", name=dossier.title).click()
    page.get_by_label("Non, aucun lien").check()
    page.get_by_role("button", name="Déclarer").click()
    for criterion, value in zip(criteria, values, strict=True):
        page.locator(f"#id_score_{criterion.pk}").fill(str(value))
    page.get_by_role("button", name="Remettre mon évaluation").click()
    consequences = page.locator(".confirm-consequences").inner_text()
    assert "Total pondéré" in consequences and "poids 3,00" in consequences
    if shot:
        _shot(page, shot)
    page.get_by_role("button", name="Remettre mon évaluation").click()
    assert "Votre évaluation a été remise" in page.locator(".messages").inner_text()


def test_three_jurors_a_replacement_and_the_published_outputs(
    live_server, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    call = f.make_call(
        CallStatus.OPEN,
        title="Le référent social au cœur de l'accompagnement",
        criteria=[
            ("Pertinence au regard des besoins des locataires accompagnés", 3, True),
            ("Partenariats socio-sanitaires", 2, True),
        ],
        total_budget=Decimal("28000"),
        ceiling_per_dossier=Decimal("20000"),
    )
    criteria = list(call.criteria.order_by("position"))
    alpha = f.make_dossier(call, world.slsp_a, co=[world.slsp_b], title="Bien habiter")
    beta = f.make_dossier(call, SlspFactory(), status="submitted", title="Voisins solidaires")
    j1 = world.users["jury"]
    j2 = make_user(Role.JURY, first_name="Dominique", last_name="Second")
    j3 = make_user(Role.JURY, first_name="Claude", last_name="Troisième")
    spare = make_user(Role.JURY, first_name="Sacha", last_name="Réserve")
    base = live_server.url
    detail = f"{base}/appels/dossiers/{alpha.uuid}/"

    # 0. The lead SLSP's direction approves Alpha; then the référent submits it.
    with chromium_page() as page:
        login(page, base, world.users["direction_a"].email, PASSWORD)
        page.goto(detail)
        page.get_by_role("button", name="Approuver le dossier").click()
        assert "approuvé" in page.locator(".messages").inner_text()
    with chromium_page() as page:
        login(page, base, world.users["referent_a"].email, PASSWORD)
        page.goto(detail)
        page.get_by_role("button", name="Déposer le dossier").click()
        assert "Le dossier a été déposé" in page.locator(".messages").inner_text()
    alpha.refresh_from_db()
    assert alpha.status == "submitted" and alpha.approved_by == world.users["direction_a"]
    # The call closes: the jury's work begins.
    type(call).objects.filter(pk=call.pk).update(status=CallStatus.REVIEW)

    for dossier in (alpha, beta):
        for juror in (j1, j2, j3):
            Assignment.objects.create(dossier=dossier, juror=juror)
    # Beta is scored outside the browser by the three jurors.
    for juror, value in ((j1, 3), (j2, 3), (j3, 2)):
        a = Assignment.objects.get(dossier=beta, juror=juror)
        for c in criteria:
            a.scores.create(criterion=c, value=value)
        a.conflict, a.status = Assignment.Conflict.NONE, Assignment.Status.SUBMITTED
        a.save()
    coordinator = world.users["coordinateur"]

    # 1. Two jurors score Alpha, the work to do listed first; the third declares a conflict.
    with chromium_page() as page:
        login(page, base, j1.email, PASSWORD)
        page.goto(f"{base}/appels/jury/")
        _shot(page, "jury-list")
        _score(page, base, j1, alpha, criteria, [5, 4], shot="confirm-submission", signed_in=True)
        _shot(page, "score-submitted")
        assert "Total pondéré" in page.content() and "3,00" in page.content()
    with chromium_page() as page:
        _score(page, base, j2, alpha, criteria, [4, 4])
    with chromium_page() as page:
        login(page, base, j3.email, PASSWORD)
        page.goto(f"{base}/appels/jury/")
        page.get_by_role("link", name=alpha.title).click()
        page.get_by_label("Oui, j'ai un lien").check()
        page.get_by_label("Motif (si oui)").fill("Ancien administrateur de la SLSP")
        page.get_by_role("button", name="Déclarer").click()
        assert "Conflit enregistré" in page.locator(".messages").inner_text()
    assert Notification.objects.filter(user=coordinator, title__contains=call.title).exists()

    # 2. Before the deliberation the president sees progress only, then replaces the juror.
    with chromium_page() as page:
        login(page, base, coordinator.email, PASSWORD)
        page.goto(f"{base}/appels/{call.uuid}/classement/")
        assert "Avancement de l'évaluation" in page.locator("h1").inner_text()
        assert page.locator("table.ranking").count() == 0
        _shot(page, "ranking-before-deliberation")
        page.goto(f"{base}/appels/{call.uuid}/jury/")
        page.get_by_role("link", name="Choisir un remplaçant").click()
        page.get_by_role("button", name="Désigner ce remplaçant").click()
        assert "Choisissez un membre du jury." in page.locator(".errorlist").inner_text()
        page.get_by_label("Membre du jury remplaçant").select_option(label=str(spare))
        _shot(page, "replace")
        page.get_by_role("button", name="Désigner ce remplaçant").click()
        assert "remplaçant a été désigné" in page.locator(".messages").inner_text()
    with chromium_page() as page:
        _score(page, base, spare, alpha, criteria, [5, 5])

    # 3. The president deliberates: attendance, decisions (nothing preselected), publishes.
    with chromium_page() as page:
        login(page, base, coordinator.email, PASSWORD)
        page.goto(f"{base}/appels/{call.uuid}/")
        page.get_by_label("Nouveau statut").select_option(label="En délibération")
        page.get_by_role("button", name="Changer le statut").click()
        page.get_by_role("link", name="Classement").click()
        rows = page.locator("table.ranking tbody tr")
        assert alpha.title in rows.first.inner_text()
        assert "provisoire" in page.locator(".calls-provisional").inner_text()
        for juror in (j1, j2, spare):
            page.get_by_label(str(juror)).check()
        page.get_by_role("button", name="Enregistrer les présences").click()
        _shot(page, "ranking-deliberation")
        for dossier, outcome, amount, motive in (
            (alpha, "Retenu", "10000", "Public et partenariats clairs."),
            (beta, "Non retenu", "", "Budget peu détaillé."),
        ):
            page.locator("table.ranking tbody tr", has_text=dossier.title).get_by_role(
                "link", name="décider"
            ).click()
            assert page.locator("input[type=radio]:checked").count() == 0
            page.get_by_label(outcome, exact=True).check()
            if amount:
                page.get_by_label("Montant accordé (€)").fill(amount)
            page.get_by_label("Motivation").fill(motive)
            if dossier is alpha:
                _shot(page, "decision")
            page.get_by_role("button", name="Enregistrer la décision").click()
            assert "La décision a été enregistrée" in page.locator(".messages").inner_text()
        assert Decision.objects.count() == 2
        page.goto(f"{base}/appels/{call.uuid}/")
        page.get_by_label("Nouveau statut").select_option(label="Décidé")
        page.get_by_role("button", name="Changer le statut").click()
        page.get_by_role("link", name="Classement").click()
        _shot(page, "ranking-decided")

        minutes = _flat(
            " ".join(
                p.extract_text()
                for p in PdfReader(io.BytesIO(_download(page, "Procès-verbal (PDF)"))).pages
            )
        )
        assert "Procès-verbal de la délibération du jury" in minutes
        assert "provisoire" not in minutes.lower()
        for text in ("Sacha Réserve", "Dominique Second", "Public et partenariats clairs."):
            assert text in minutes, text
        assert "Claude Troisième" not in minutes
        assert (
            "Total accordé 10 000,00 €" in minutes and "Solde de l'enveloppe 18 000,00 €" in minutes
        )
        assert "Signatures" in minutes

        sheet = load_workbook(io.BytesIO(_download(page, "Classement (XLSX)"))).active
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        ranked = [row for row in values if row[1] in (alpha.title, beta.title)]
        assert [row[1] for row in ranked] == [alpha.title, beta.title]
        assert ranked[0][0] == 1 and isinstance(ranked[0][3], float)
        assert any(row[1] == "Total accordé" and row[3] == 10000 for row in values)

        letter = _flat(
            " ".join(
                p.extract_text()
                for p in PdfReader(io.BytesIO(_download(page, world.slsp_b.official_name))).pages
            )
        )
        assert world.slsp_b.official_name in letter and "Retenu" in letter
        assert "Public et partenariats clairs." in letter
        assert "Partenariats socio-sanitaires" in letter and "10 000,00 €" in letter
