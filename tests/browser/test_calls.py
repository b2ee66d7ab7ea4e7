"""A référent drafts and submits a dossier, a juror declares no conflict and scores it,
the coordinator follows the ranking and records a decision: in Debian's Chromium."""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.calls.models import Assignment, Call, CallStatus, Decision, Dossier, DossierStatus
from tests.accounts.factories import PASSWORD
from tests.browser.helpers import SCREENSHOTS, chromium_page, click_nav, login
from tests.calls import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name):
    page.screenshot(path=SCREENSHOTS / f"calls-{name}.png", full_page=True)


def test_dossier_from_submission_to_decision(live_server, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call = f.make_call(
        CallStatus.OPEN,
        title="Le référent social au cœur de l'accompagnement social",
        criteria=[
            ("Dimension individuelle et collective", 3, True),
            ("Partenariats socio-sanitaires", 2, True),
            ("Réalisme du budget", 1, False),
        ],
    )
    base = live_server.url

    # 1. The référent drafts the dossier, is told what is missing, completes and submits it.
    with chromium_page() as page:
        login(page, base, "ref.a@example.org", PASSWORD)
        page.get_by_role("link", name=call.title).first.click()
        _shot(page, "call-referent")
        page.get_by_role("link", name="Rédiger un dossier").click()
        page.get_by_label("Titre du projet").fill("Bien habiter son premier logement")
        page.get_by_label("Résumé").fill(
            "Visite d'accueil à domicile puis ateliers collectifs avec le CPAS."
        )
        page.get_by_label("Pédagogie de l'habiter").check()
        page.get_by_label("SLSP B de test").check()
        page.get_by_label("Montant demandé (€)").fill("999999")
        page.get_by_role("button", name="Enregistrer le dossier").click()
        assert "plafond" in page.locator(".errorlist").first.inner_text()
        _shot(page, "dossier-form-error")
        page.get_by_label("Montant demandé (€)").fill("18000")
        page.get_by_role("button", name="Enregistrer le dossier").click()
        assert "Le dossier a été créé" in page.locator(".messages").inner_text()
        missing = page.locator(".calls-missing").inner_text()
        assert "au moins une action" in missing and "au moins un public visé" in missing
        _shot(page, "dossier-draft")

        page.get_by_role("link", name="Informations générales").click()
        page.get_by_label("Locataires de logements de transit").check()
        page.get_by_role("button", name="Enregistrer le dossier").click()
        page.get_by_role("link", name="Actions", exact=True).click()
        page.locator("#id_actions-0-title").fill("Visite d'accueil des nouveaux locataires")
        page.locator("#id_actions-0-individual").check()
        page.get_by_role("button", name="Ajouter une ligne").click()
        page.locator("#id_actions-1-title").fill("Ateliers « bien habiter »")
        page.locator("#id_actions-1-collective").check()
        page.get_by_role("button", name="Enregistrer").click()
        assert "enregistrées" in page.locator(".messages").inner_text()
        page.get_by_role("link", name="Budget", exact=True).click()
        page.locator("#id_budget-0-label").fill("Animation des ateliers")
        page.locator("#id_budget-0-amount").fill("12000")
        page.get_by_role("button", name="Ajouter une ligne").click()
        page.locator("#id_budget-1-label").fill("Matériel pédagogique")
        page.locator("#id_budget-1-amount").fill("6000")
        page.get_by_role("button", name="Enregistrer").click()
        assert page.locator(".calls-missing").count() == 0
        draft_url = page.url

    # The lead SLSP's direction approves the dossier before it is submitted.
    with chromium_page() as page:
        login(page, base, world.users["direction_a"].email, PASSWORD)
        page.goto(draft_url)
        page.get_by_role("button", name="Approuver le dossier").click()
        assert "approuvé" in page.locator(".messages").inner_text()

    with chromium_page() as page:
        login(page, base, "ref.a@example.org", PASSWORD)
        page.goto(draft_url)
        page.get_by_role("button", name="Déposer le dossier").click()
        assert "Le dossier a été déposé" in page.locator(".messages").inner_text()
        assert page.get_by_role("link", name="récépissé (PDF)").count() == 1
        _shot(page, "dossier-submitted")

    with scopes_disabled():
        dossier = Dossier.objects.get(title="Bien habiter son premier logement")
        assert dossier.status == DossierStatus.SUBMITTED
        assert sorted(dossier.applicant_slsp_ids()) == sorted([world.slsp_a.pk, world.slsp_b.pk])
    # The closing time passes.
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))

    coordinator = world.users["coordinateur"].email
    juror = world.users["jury"]

    # 2. The coordinator closes the call, opens the review and assigns the juror.
    with chromium_page() as page:
        login(page, base, coordinator, PASSWORD)
        page.goto(f"{base}/appels/{call.uuid}/")
        for status in ("Clôturé", "En évaluation par le jury"):
            page.get_by_label("Nouveau statut").select_option(label=status)
            page.get_by_role("button", name="Changer le statut").click()
            assert status in page.locator(".messages").inner_text()
        page.get_by_role("link", name="Jury et avancement").click()
        page.get_by_label("Membre du jury").select_option(label=str(juror))
        page.locator("#id_dossier").select_option(label=dossier.title)
        page.get_by_role("button", name="Confier", exact=True).click()
        assert "confié" in page.locator(".messages").inner_text()
        _shot(page, "jury-assign")

    # 3. The juror declares no conflict, then scores the dossier.
    with chromium_page() as page:
        login(page, base, juror.email, PASSWORD)
        click_nav(page, "Dossiers à évaluer")
        _shot(page, "jury-list")
        page.get_by_role("link", name=dossier.title).click()
        _shot(page, "conflict")
        page.get_by_label("Non, aucun lien").check()
        page.get_by_role("button", name="Déclarer").click()
        criteria = list(call.criteria.order_by("position"))
        page.locator(f"#id_score_{criteria[0].pk}").fill("4")
        page.locator(f"#id_comment_{criteria[0].pk}").fill("Les deux dimensions sont là.")
        # Submitting without the second counting criterion: refused, all listed.
        page.get_by_role("button", name="Remettre mon évaluation").click()
        assert "Partenariats socio-sanitaires" in page.locator("form .errorlist").inner_text()
        _shot(page, "score-error")
        page.locator(f"#id_score_{criteria[1].pk}").fill("3")
        page.get_by_label("Commentaire général").fill("Projet solide, partenariat à élargir.")
        page.get_by_role("button", name="Remettre mon évaluation").click()
        # The confirmation shows the weighted total with the weights.
        assert "Total pondéré : 72,00 / 100" in page.locator(".confirm-consequences").inner_text()
        page.get_by_role("button", name="Remettre mon évaluation").click()
        assert "Votre évaluation a été remise" in page.locator(".messages").inner_text()
        _shot(page, "score-submitted")
    assert Assignment.objects.get(juror=juror).is_submitted

    # 4. The coordinator opens the deliberation, reads the ranking, records a decision.
    with chromium_page() as page:
        login(page, base, coordinator, PASSWORD)
        page.goto(f"{base}/appels/{call.uuid}/")
        page.get_by_label("Nouveau statut").select_option(label="En délibération")
        page.get_by_role("button", name="Changer le statut").click()
        assert "En délibération" in page.locator(".messages").inner_text()
        page.get_by_role("link", name="Classement").click()
        row = page.locator("table.ranking tbody tr").first
        assert dossier.title in row.inner_text()
        # (3 x 4/5 + 2 x 3/5) / 5 = 72 / 100
        assert "72,00" in row.inner_text() or "72.00" in row.inner_text()
        _shot(page, "ranking")
        row.get_by_role("link", name="décider").click()
        page.get_by_label("Retenu", exact=True).check()
        page.get_by_label("Montant accordé (€)").fill("25000")
        page.get_by_label("Motivation").fill("Projet retenu : public et partenariats clairs.")
        page.get_by_role("button", name="Enregistrer la décision").click()
        assert "dépasse le montant demandé" in page.locator(".errorlist").first.inner_text()
        assert not Decision.objects.exists()
        page.get_by_label("Montant accordé (€)").fill("16000")
        page.get_by_role("button", name="Enregistrer la décision").click()
        assert "La décision a été enregistrée" in page.locator(".messages").inner_text()
        assert "Retenu" in page.locator("table.ranking tbody tr").first.inner_text()
        _shot(page, "ranking-decided")
    decision = Decision.objects.get()
    assert decision.outcome == "selected" and decision.granted_amount == 16000
