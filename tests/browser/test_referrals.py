"""A référent records an agreement with a data-sharing clause, refers a household to the
partner, the partner accepts through the link it received by e-mail (no account), and
the référent sees the status change; then the network view with its SVG charts."""

import datetime
import re

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from apps.accompaniment import services
from apps.accompaniment.models import Domain
from apps.referrals.models import Referral, ReferralStatus
from tests.accounts.factories import PASSWORD
from tests.browser.helpers import SCREENSHOTS, chromium_page, click_nav, login
from tests.partners.factories import PartnerContactFactory, PartnerFactory, SlspPartnerFactory
from tests.tenants.factories import make_household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK_RE = re.compile(r"(https?://\S+/accompagnement/partenaire/orientation/\S+/)")


def _more_referrals(world):
    """A fuller network for the screenshot: several partner types and statuses."""
    from django.utils import timezone

    from apps.referrals import services as referrals
    from tests.referrals.factories import make_network_partner, referral_setup

    user = world.users["referent_a"]
    with scopes_disabled():
        for index, (type_, name) in enumerate(
            [
                ("sante_mentale", "Service de santé mentale de Namur"),
                ("ais", "AIS Namur-Gembloux"),
                ("maison_justice", "Maison de justice de Namur"),
            ]
        ):
            setup = referral_setup(world.slsp_a, user, type=type_, name=name)
            for step in range(index + 2):
                referral = referrals.propose_referral(
                    setup.follow_up, user, partner=setup.partner, reason="Demande d'aide"
                )
                referral = referrals.send_referral(
                    referral,
                    user,
                    recipient_email=referrals.default_recipient(referral),
                    base_url="http://t/",
                )
                Referral.objects.filter(pk=referral.pk).update(
                    sent_at=timezone.now() - datetime.timedelta(days=3 + 4 * step + index)
                )
                if step % 3 != 2:
                    referrals.transition(
                        referral, "accepted" if step % 3 == 0 else "refused", user=user
                    )
    make_network_partner(world.slsp_a, sharing=None, type="pcs", name="PCS de Namur")


def test_referent_refers_and_partner_accepts_through_its_link(live_server, world):
    today = datetime.date.today()
    user = world.users["referent_a"]
    with scopes_disabled():
        cpas = PartnerFactory(name="CPAS de Gembloux", type="cpas", commune="Gembloux")
        SlspPartnerFactory(slsp=world.slsp_a, partner=cpas)
        PartnerContactFactory(
            partner=cpas,
            name="Claire Martin",
            function="Assistante sociale",
            email="claire.martin@cpas-gembloux.be",
        )
        household = make_household(world.slsp_a, household__display_name="Ménage Lambert")
        services.record_consent(
            household,
            user,
            given_on=today - datetime.timedelta(days=5),
            covers_follow_up=True,
            share_with=[cpas],
        )
        services.open_follow_up(
            household,
            user,
            domains=[Domain.IMPAYES],
            objective="Résorber l'arriéré de loyer",
            opened_on=today - datetime.timedelta(days=5),
        )

    with chromium_page() as page:
        login(page, live_server.url, "ref.a@example.org", PASSWORD)

        # Without an agreement with a sharing clause, no referral is possible.
        page.goto(f"{live_server.url}/menages/{household.uuid}/")
        section = page.locator("section", has=page.get_by_role("heading", name="Orientations"))
        assert "Aucune orientation possible" in section.inner_text()

        # 1. The agreement, with its data-sharing clause and agreed response time.
        page.goto(f"{live_server.url}/partenaires/{cpas.uuid}/")
        page.get_by_role("link", name="Nouvelle convention").click()
        page.get_by_label("Objet").fill("Prévention des arriérés de loyer")
        page.get_by_label("Début").fill(f"{today - datetime.timedelta(days=30):%Y-%m-%d}")
        page.get_by_label("Fin").fill(f"{today + datetime.timedelta(days=365):%Y-%m-%d}")
        page.get_by_label("Clause de partage de données").check()
        page.get_by_label("Données partagées").fill("Coordonnées, montant des arriérés")
        page.get_by_label("Délai de réponse convenu (jours)").fill("10")
        page.get_by_label("Claire Martin (Assistante sociale)").check()
        page.get_by_role("button", name="Enregistrer la convention").click()
        page.wait_for_load_state("networkidle")
        assert "La convention a été enregistrée." in page.locator(".messages").inner_text()

        # 2. The referral, from the household page.
        page.goto(f"{live_server.url}/menages/{household.uuid}/")
        page.screenshot(path=SCREENSHOTS / "referrals-household.png", full_page=True)
        page.get_by_role("link", name=re.compile("Orienter")).click()
        page.get_by_label("Partenaire").select_option(label="CPAS de Gembloux")
        # An empty reason is refused with a French message, nothing saved.
        page.get_by_role("button", name="Proposer l'orientation").click()
        assert "obligatoire" in page.locator(".errorlist").first.inner_text()
        page.get_by_label("Motif de l'orientation").fill(
            "Arriéré de trois mois : guidance budgétaire et plan d'apurement."
        )
        page.get_by_label("Nom du ménage").check()
        page.get_by_label("Adresse du logement").check()
        page.screenshot(path=SCREENSHOTS / "referrals-create.png", full_page=True)
        page.get_by_role("button", name="Proposer l'orientation").click()
        page.wait_for_load_state("networkidle")
        assert "Orientation proposée" in page.locator(".messages").inner_text()
        assert page.get_by_label("E-mail du partenaire").input_value() == (
            "claire.martin@cpas-gembloux.be"
        )
        page.get_by_label("Je confirme que le lien doit être envoyé à cette adresse.").check()
        page.get_by_role("button", name="Envoyer l'orientation").click()
        page.wait_for_load_state("networkidle")
        assert "Orientation envoyée" in page.locator(".messages").inner_text()
        assert page.locator("h1 .badge").inner_text() == "Envoyée"
        page.screenshot(path=SCREENSHOTS / "referrals-sent.png", full_page=True)
        detail_url = page.url

        # 3. The partner, with no account, opens the link from its e-mail.
        message = mail.outbox[-1]
        assert message.to == ["claire.martin@cpas-gembloux.be"]
        link = LINK_RE.search(message.body).group(1)
        partner_context = page.context.browser.new_context(locale="fr-BE")
        partner = partner_context.new_page()
        partner.goto(link)
        shared = partner.locator("[data-shared]").inner_text()
        assert "Ménage Lambert" in shared and "Arriéré de trois mois" in shared
        assert "Composition" not in shared  # not chosen by the référent
        assert partner.locator(".main-nav").count() == 0  # no account, no navigation
        partner.screenshot(path=SCREENSHOTS / "referrals-partner-link.png", full_page=True)
        partner.get_by_label("Commentaire (facultatif)").fill("Premier rendez-vous le lundi 9h")
        partner.get_by_role("button", name="Accepter l'orientation").click()
        partner.wait_for_load_state("networkidle")
        assert "votre réponse est enregistrée" in partner.locator("h1").inner_text()
        partner.screenshot(path=SCREENSHOTS / "referrals-partner-done.png", full_page=True)
        # Used: the same link now does nothing.
        partner.goto(link)
        assert "déjà été utilisé" in partner.locator("[data-reason]").inner_text()
        partner.screenshot(path=SCREENSHOTS / "referrals-partner-used.png", full_page=True)
        partner_context.close()

        # 4. The référent sees the change, with the date and who made it.
        page.goto(detail_url)
        assert page.locator("h1 .badge").inner_text() == "Acceptée"
        history = page.locator("[data-history]").inner_text()
        assert "par le partenaire, via son lien" in history
        assert "Premier rendez-vous le lundi 9h" in page.locator("main").inner_text()
        assert "dans le délai" in page.locator("[data-response]").inner_text()
        page.screenshot(path=SCREENSHOTS / "referrals-accepted.png", full_page=True)

        click_nav(page, "Orientations")
        assert "Acceptée" in page.locator("tbody").inner_text()
        page.screenshot(path=SCREENSHOTS / "referrals-list.png", full_page=True)
        _more_referrals(world)
        click_nav(page, "Réseau partenaires")
        page.wait_for_load_state("networkidle")
        assert page.locator("svg.chart").count() == 3
        assert "CPAS de Gembloux" in page.locator("main").inner_text()
        page.screenshot(path=SCREENSHOTS / "referrals-network.png", full_page=True)

    with scopes_disabled():
        referral = Referral.objects.get(partner__name="CPAS de Gembloux")
        assert referral.status == ReferralStatus.ACCEPTED
        # The answer link, then the outcome link.
        assert [m.to for m in mail.outbox].count(["claire.martin@cpas-gembloux.be"]) == 2


def test_coordinator_sees_the_network_with_counts_only(live_server, world):
    _more_referrals(world)
    with scopes_disabled():
        names = list(Referral.objects.values_list("household__display_name", flat=True))
    with chromium_page() as page:
        login(page, live_server.url, world.users["coordinateur"].email, PASSWORD)
        click_nav(page, "Réseau partenaires")
        page.get_by_role("link", name=str(world.slsp_a)).click()
        page.wait_for_load_state("networkidle")
        main = page.locator("main").inner_text()
        assert "Vue régionale : des nombres seulement" in main
        assert "<5" in main
        assert page.locator("svg.chart").count() == 3
        for name in names:
            assert name not in main
        page.screenshot(path=SCREENSHOTS / "referrals-network-coordinator.png", full_page=True)
