"""Yearly action strategy: the référent writes it, staff of the SLSP read it, the
coordinator sees titles only in the drill-down; bad input saves nothing."""

from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.slsps.models import ActionStrategy, StrategyItem, StrategyItemKind
from tests.slsps.factories import ActionStrategyFactory, StrategyItemFactory

pytestmark = pytest.mark.django_db


def _post_data(year="2026", summary="Synthèse", items=(), initial=0, prefix="items"):
    data = {
        "year": year,
        "summary": summary,
        f"{prefix}-TOTAL_FORMS": str(len(items)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, item in enumerate(items):
        for key, value in item.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def _item(kind="objectif", title="Prévenir les impayés", description="", order="1", **extra):
    return {"kind": kind, "title": title, "description": description, "order": order, **extra}


def _counts():
    with scopes_disabled():
        return ActionStrategy.objects.count(), StrategyItem.objects.count()


def test_referent_writes_a_strategy_with_objectives_and_axes(client_for, world):
    client = client_for("referent_a")
    url = reverse("slsps:strategy_create", kwargs={"uuid": world.slsp_a.uuid})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        _post_data(
            items=[
                _item(title="Accueillir les nouveaux locataires", order="1"),
                _item(kind="axe", title="Troubles de voisinage à la cité du Centre", order="1"),
                _item(kind="", title="", order=""),  # an empty extra line is ignored
            ]
        ),
    )
    assert response.status_code == 302
    with scopes_disabled():
        strategy = ActionStrategy.objects.get()
        assert (strategy.slsp, strategy.year) == (world.slsp_a, 2026)
        items = list(strategy.items.order_by("kind"))
    assert [(i.kind, i.slsp_id) for i in items] == [
        (StrategyItemKind.AXIS, world.slsp_a.pk),
        (StrategyItemKind.OBJECTIVE, world.slsp_a.pk),
    ]
    page = client_for("direction_a").get(
        reverse("slsps:strategies", kwargs={"uuid": world.slsp_a.uuid})
    )
    body = page.content.decode()
    assert "Troubles de voisinage à la cité du Centre" in body
    assert "Nouvelle stratégie annuelle" not in body  # the direction reads, does not write


def test_referent_edits_items_add_and_delete(client_for, world):
    with scopes_disabled():
        strategy = ActionStrategyFactory(slsp=world.slsp_a, year=2025)
        keep = StrategyItemFactory(strategy=strategy, title="Garder")
        drop = StrategyItemFactory(strategy=strategy, title="Supprimer")
    url = reverse("slsps:strategy_edit", kwargs={"uuid": strategy.uuid})
    data = _post_data(
        year="2025",
        summary="Nouvelle synthèse",
        initial=2,
        items=[
            _item(id=keep.pk, title="Garder, reformulé"),
            _item(id=drop.pk, title="Supprimer", DELETE="on"),
            _item(kind="axe", title="Arriérés au-delà de 750 EUR"),
        ],
    )
    assert client_for("referent_a").post(url, data).status_code == 302
    with scopes_disabled():
        titles = sorted(strategy.items.values_list("title", flat=True))
        strategy.refresh_from_db()
    assert titles == ["Arriérés au-delà de 750 EUR", "Garder, reformulé"]
    assert strategy.summary == "Nouvelle synthèse"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_post_data(items=[_item(kind="axe", title="Un axe seul")]), "au moins un objectif"),
        (_post_data(year="1990", items=[_item()]), "L'année doit être comprise entre"),
        (_post_data(year="abc", items=[_item()]), "Saisissez un nombre entier"),
        (_post_data(items=[_item(title="")]), "Ce champ est obligatoire"),
        (_post_data(items=[_item(kind="nimportequoi")]), "Sélectionnez un choix valide"),
        ({"year": "2026"}, "ManagementForm"),
    ],
)
def test_bad_input_gets_a_french_message_and_saves_nothing(client_for, world, data, message):
    url = reverse("slsps:strategy_create", kwargs={"uuid": world.slsp_a.uuid})
    response = client_for("referent_a").post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "La stratégie n&#x27;a pas été enregistrée" in body
    if message != "ManagementForm":
        assert message in unescape(body)
    assert _counts() == (0, 0)


def test_a_second_strategy_for_the_same_year_is_refused(client_for, world):
    with scopes_disabled():
        ActionStrategyFactory(slsp=world.slsp_a, year=2026)
    url = reverse("slsps:strategy_create", kwargs={"uuid": world.slsp_a.uuid})
    response = client_for("referent_a").post(url, _post_data(items=[_item()]))
    assert response.status_code == 200
    assert "Votre SLSP a déjà une stratégie pour 2026" in response.content.decode()
    assert _counts() == (1, 0)


def test_other_slsp_and_other_roles_are_refused(client_for, world):
    with scopes_disabled():
        strategy = ActionStrategyFactory(slsp=world.slsp_a, year=2026, summary="Avant")
    edit = reverse("slsps:strategy_edit", kwargs={"uuid": strategy.uuid})
    create = reverse("slsps:strategy_create", kwargs={"uuid": world.slsp_a.uuid})
    for persona in ("referent_b", "accompagnateur_a", "direction_a", "coordinateur", "jury"):
        client = client_for(persona)
        assert client.post(edit, _post_data(summary="Après", items=[_item()])).status_code == 404
        assert client.post(create, _post_data(year="2025", items=[_item()])).status_code == 404
    strategies = reverse("slsps:strategies", kwargs={"uuid": world.slsp_a.uuid})
    for persona in ("referent_b", "coordinateur", "jury", "admin"):
        assert client_for(persona).get(strategies).status_code == 404
    with scopes_disabled():
        strategy.refresh_from_db()
        assert strategy.summary == "Avant"
        assert ActionStrategy.objects.count() == 1


def test_coordinator_drill_down_shows_titles_not_descriptions(client_for, world):
    with scopes_disabled():
        from django.utils import timezone

        strategy = ActionStrategyFactory(slsp=world.slsp_a, year=timezone.localdate().year)
        StrategyItemFactory(strategy=strategy, title="Objectif régional visible")
        StrategyItemFactory(
            strategy=strategy, kind=StrategyItemKind.AXIS, title="Axe visible", description="X"
        )
    page = client_for("coordinateur").get(
        reverse("reports:slsp_overview", kwargs={"uuid": world.slsp_a.uuid})
    )
    body = page.content.decode()
    assert "Objectif régional visible" in body and "Axe visible" in body
    assert "Description confidentielle" not in body
    assert world.users["referent_a"].last_name not in body


def _strategies_with_items(slsp, n):
    with scopes_disabled():
        for year in range(2026 - n + 1, 2027):
            if ActionStrategy.objects.filter(slsp=slsp, year=year).exists():
                continue
            strategy = ActionStrategyFactory(slsp=slsp, year=year)
            StrategyItemFactory.create_batch(2, strategy=strategy)
            StrategyItemFactory(strategy=strategy, kind=StrategyItemKind.AXIS)


@pytest.mark.parametrize(
    "name", ["slsps:strategies", "slsps:strategy_edit", "reports:slsp_overview"]
)
def test_query_count_does_not_grow_with_strategies(client_for, world, name):
    persona = {"reports:slsp_overview": "coordinateur"}.get(name, "referent_a")
    client = client_for(persona)  # signed in before counting
    counts = []
    for n in (1, 3):
        _strategies_with_items(world.slsp_a, n)
        with scopes_disabled():
            latest = ActionStrategy.objects.get(slsp=world.slsp_a, year=2026)
            if n == 3:
                StrategyItemFactory.create_batch(4, strategy=latest)
        kwargs = {"uuid": latest.uuid if name == "slsps:strategy_edit" else world.slsp_a.uuid}
        cache.clear()  # the regional figures are cached: count a full computation
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name, kwargs=kwargs)).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
