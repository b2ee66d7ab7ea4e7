"""Two tabs edit the same partner, agreement, collective action or strategy: the second
save is refused with the other person's change shown beside what was typed, which stays
in the form; sending it again after checking replaces the other change on purpose."""

from html import unescape

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.collective.models import CollectiveAction
from apps.partners.models import Agreement, Partner
from apps.slsps.models import ActionStrategy
from tests.collective.test_collective import make_action
from tests.forms.htmlform import form_data
from tests.partners.factories import AgreementFactory, PartnerFactory, SlspPartnerFactory
from tests.slsps.factories import ActionStrategyFactory, StrategyItemFactory

pytestmark = pytest.mark.django_db


def cases(world):
    with scopes_disabled():
        partner = PartnerFactory(name="CPAS de Namur", description="Service social général")
        SlspPartnerFactory(slsp=world.slsp_a, partner=partner)
        agreement = AgreementFactory(slsp=world.slsp_a, partner=partner, purpose="Orientation")
        strategy = ActionStrategyFactory(slsp=world.slsp_a, year=2026, summary="Accueil")
        StrategyItemFactory(strategy=strategy, title="Accueillir chaque nouveau ménage")
    action = make_action(world)
    return {
        "partner": (
            reverse("partners:edit", kwargs={"uuid": partner.uuid}),
            Partner,
            partner.pk,
            "description",
            "",
        ),
        "agreement": (
            reverse("partners:agreement_edit", kwargs={"uuid": agreement.uuid}),
            Agreement,
            agreement.pk,
            "purpose",
            "",
        ),
        "action": (
            reverse("collective:collective_edit", kwargs={"uuid": action.uuid}),
            CollectiveAction,
            action.pk,
            "objective",
            "",
        ),
        "strategy": (
            reverse("slsps:strategy_edit", kwargs={"uuid": strategy.uuid}),
            ActionStrategy,
            strategy.pk,
            "summary",
            "",
        ),
    }


@pytest.mark.parametrize("kind", ["partner", "agreement", "action", "strategy"])
def test_a_stale_edit_is_refused_with_the_other_change_shown(world, kind):
    url, model, pk, field, _ = cases(world)[kind]
    tab_a = world.client_for("referent_a")
    tab_b = world.client_for("referent_a")
    form_a = form_data(tab_a.get(url).content.decode(), "version")
    form_b = form_data(tab_b.get(url).content.decode(), "version")
    assert form_a["version"] == form_b["version"] == ["1"]
    form_a.pop("form_token", None)
    form_b.pop("form_token", None)

    first = tab_a.post(url, form_a | {field: ["Texte de l'onglet A"]})
    assert first.status_code == 302, unescape(first.content.decode())[:3000]
    second = tab_b.post(url, form_b | {field: ["Texte de l'onglet B"]})
    assert second.status_code == 200
    html = unescape(second.content.decode())
    assert "Quelqu'un d'autre a modifié cette fiche" in html
    assert "Texte de l'onglet A" in html  # theirs, shown
    with scopes_disabled():
        assert getattr(model.objects.get(pk=pk), field) == "Texte de l'onglet A"
    # What B typed stays in the form, now carrying the current version.
    again = form_data(second.content.decode(), "version")
    assert again[field] == ["Texte de l'onglet B"]
    assert again["version"] == ["2"]
    again.pop("form_token", None)
    # B checked the difference and confirms: saved on purpose.
    assert tab_b.post(url, again).status_code == 302
    with scopes_disabled():
        saved = model.objects.get(pk=pk)
    assert getattr(saved, field) == "Texte de l'onglet B" and saved.version == 3


def test_each_save_bumps_the_version(world):
    url, model, pk, field, _ = cases(world)["partner"]
    client = world.client_for("referent_a")
    for n in range(2, 5):
        data = form_data(client.get(url).content.decode(), "version")
        data.pop("form_token", None)
        assert client.post(url, data | {field: [f"Version {n}"]}).status_code == 302
        with scopes_disabled():
            assert model.objects.get(pk=pk).version == n
