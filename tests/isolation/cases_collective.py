"""URL classification of collective actions: référents and accompagnateurs act,
the direction reads, coordinators, jurors and admins get 404."""

import datetime

from django_scopes import scopes_disabled

from apps.collective.models import ActionSession, CollectiveAction, CollectiveKind
from tests.isolation.cases import STAFF_A, UrlCase, expect
from tests.partners.factories import PartnerFactory, SlspPartnerFactory

ACTORS = ("referent_a", "accompagnateur_a")
ACTORS_ANY_SLSP = (*ACTORS, "referent_b")


def _action(w):
    """An action of SLSP A with one network partner and one session."""
    if "collective_action" not in w.objects:
        with scopes_disabled():
            partner = PartnerFactory(name="Plan de cohésion sociale de Gembloux", type="pcs")
            SlspPartnerFactory(slsp=w.slsp_a, partner=partner)
            action = CollectiveAction.objects.create(
                slsp=w.slsp_a,
                kind=CollectiveKind.FETE_VOISINS,
                title="Fête des voisins",
                district="Cité des Prés",
                objective="Créer du lien",
                start_date=datetime.date(2025, 5, 1),
                created_by=w.users["referent_a"],
            )
            action.partners.add(partner)
            ActionSession.objects.create(
                action=action,
                slsp=w.slsp_a,
                date=datetime.date(2025, 5, 30),
                participants=60,
                tenants=45,
                volunteers=4,
            )
        w.objects["collective_action"] = action
    return w.objects["collective_action"]


def _session(w):
    with scopes_disabled():
        return ActionSession.objects.filter(action=_action(w)).order_by("pk").first()


def _network(w):
    # The create form then offers a partner (covered by the fuzz test).
    _action(w)
    return {}


CASES = [
    UrlCase("collective:collective_actions", expect(ok=(*STAFF_A, "referent_b"))),
    UrlCase(
        "collective:collective_create",
        expect(ok=ACTORS_ANY_SLSP),
        kwargs=_network,
        note="the direction reads but does not create",
    ),
    UrlCase(
        "collective:collective_detail",
        expect(ok=STAFF_A),
        kwargs=lambda w: {"uuid": _action(w).uuid},
    ),
    UrlCase(
        "collective:collective_edit",
        expect(ok=ACTORS),
        kwargs=lambda w: {"uuid": _action(w).uuid},
    ),
    UrlCase(
        "collective:session_add",
        expect(ok=ACTORS),
        kwargs=lambda w: {"uuid": _action(w).uuid},
    ),
    UrlCase(
        "collective:session_edit",
        expect(ok=ACTORS),
        kwargs=lambda w: {"uuid": _session(w).uuid},
    ),
    UrlCase(
        "collective:session_delete",
        expect(ok=ACTORS),
        kwargs=lambda w: {"uuid": _session(w).uuid},
        note="the confirmation page; confirming (POST) is tested in tests/collective",
    ),
    UrlCase(
        "collective:outcome_record",
        expect(ok=ACTORS),
        kwargs=lambda w: {"uuid": _action(w).uuid},
    ),
]
