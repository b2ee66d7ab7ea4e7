"""URL classification of the yearly strategy and the référents' network ."""

from django_scopes import scopes_disabled

from tests.isolation.cases import STAFF_A, UrlCase, expect
from tests.slsps.factories import (
    ActionStrategyFactory,
    GoodPracticeSheetFactory,
    NetworkEventFactory,
    StrategyItemFactory,
)

REFERENTS = ("referent_a", "referent_b")
NETWORK = (*REFERENTS, "coordinateur")


def _strategy_a(w):
    if "strategy" not in w.objects:
        with scopes_disabled():
            strategy = ActionStrategyFactory(slsp=w.slsp_a)
            StrategyItemFactory(strategy=strategy)
        w.objects["strategy"] = strategy
    return w.objects["strategy"]


def _event(w):
    if "event" not in w.objects:
        w.objects["event"] = NetworkEventFactory()
    return w.objects["event"]


def _draft_a(w):
    """A draft sheet of SLSP A: only its référent reads it."""
    if "draft" not in w.objects:
        w.objects["draft"] = GoodPracticeSheetFactory(
            slsp=w.slsp_a, created_by=w.users["referent_a"], published=False
        )
    return w.objects["draft"]


CASES = [
    UrlCase(
        "slsps:my_strategy",
        expect(ok=(*STAFF_A, "referent_b"), status=302),
        note="redirects staff to their own SLSP's strategy",
    ),
    UrlCase("slsps:strategies", expect(ok=STAFF_A), kwargs=lambda w: {"uuid": w.slsp_a.uuid}),
    UrlCase(
        "slsps:strategy_create",
        expect(ok=("referent_a",)),
        kwargs=lambda w: {"uuid": w.slsp_a.uuid},
    ),
    UrlCase(
        "slsps:strategy_edit",
        expect(ok=("referent_a",)),
        kwargs=lambda w: {"uuid": _strategy_a(w).uuid},
    ),
    UrlCase("slsps:network", expect(ok=NETWORK)),
    UrlCase("slsps:event_create", expect(ok=("coordinateur",))),
    UrlCase("slsps:event_detail", expect(ok=NETWORK), kwargs=lambda w: {"uuid": _event(w).uuid}),
    UrlCase(
        "slsps:event_edit",
        expect(ok=("coordinateur",)),
        kwargs=lambda w: {"uuid": _event(w).uuid},
    ),
    UrlCase(
        "slsps:event_attendance",
        expect(ok=("coordinateur",)),
        kwargs=lambda w: {"uuid": _event(w).uuid},
    ),
    UrlCase("slsps:practices", expect(ok=NETWORK)),
    UrlCase("slsps:practice_create", expect(ok=REFERENTS)),
    UrlCase(
        "slsps:practice_detail",
        expect(ok=("referent_a",)),
        kwargs=lambda w: {"uuid": _draft_a(w).uuid},
        note="a draft: published sheets are read by every référent and coordinator (tests)",
    ),
    UrlCase(
        "slsps:practice_edit",
        expect(ok=("referent_a",)),
        kwargs=lambda w: {"uuid": _draft_a(w).uuid},
    ),
]
