"""The dossier form people can fill: searchable lists instead of Ctrl-click, grids that
grow in place, the budget's total and gap, and the direction's approval before submission;
fr-BE amounts on the pages and the receipt."""

import datetime
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scopes_disabled
from pypdf import PdfReader

from apps.audit.models import DossierHistory
from apps.calls import services
from apps.calls.models import BudgetLine, CallStatus, Dossier, DossierStatus, DossierVersion
from tests.accounts.factories import make_user
from tests.calls import factories as f
from tests.partners.factories import PartnerFactory, SlspPartnerFactory
from tests.slsps.factories import SlspFactory

pytestmark = pytest.mark.django_db


def _text(markup: str) -> str:
    """Visible text with every kind of space read as one plain space."""
    return re.sub(r"[\s\xa0\u202f]+", " ", re.sub(r"<[^>]+>", " ", markup))


@pytest.fixture
def call():
    return f.make_call(CallStatus.OPEN)


def _url(name, dossier):
    return reverse(f"calls:{name}", kwargs={"uuid": dossier.uuid})


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


# --- Choosing co-applicants and partners ---


def test_co_applicants_and_partners_are_searchable_checkbox_lists(world, call):
    """Wrong before: 68 SLSPs and the whole directory in Ctrl-click multi-selects."""
    with scopes_disabled():
        SlspFactory.create_batch(3)
        mine = PartnerFactory(name="Relais social de Namur")
        SlspPartnerFactory(slsp=world.slsp_a, partner=mine)
        PartnerFactory(name="CPAS d'Arlon")
    response = world.client_for("referent_a").get(_url("dossier_create", call))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<select multiple" not in html.replace('name="lead_slsp"', "")
    assert "Ctrl" not in html
    assert html.count("data-picker-filter") == 3  # co-applicants, network, directory
    assert 'type="checkbox" name="co_applicants"' in html
    # The SLSP's network comes first; the rest of the directory behind "more".
    network = html.index('name="network_partners"')
    more = html.index("Plus de partenaires")
    assert network < html.index("Relais social de Namur") < more < html.index("CPAS d&#39;Arlon")
    assert html.count("Relais social de Namur") == 1


def test_partners_chosen_from_both_lists_are_kept(world, call):
    with scopes_disabled():
        mine = PartnerFactory(name="Relais social")
        SlspPartnerFactory(slsp=world.slsp_a, partner=mine)
        other = PartnerFactory(name="Maison de quartier")
    dossier = f.make_dossier(call, world.slsp_a)
    client = world.client_for("referent_a")
    response = client.post(
        _url("dossier_edit", dossier),
        {
            "title": "Projet",
            "summary": "Résumé",
            "domains": ["habiter"],
            "target_publics": ["transit"],
            "requested_amount": "10000",
            "network_partners": [mine.pk],
            "other_partners": [other.pk],
        },
    )
    assert response.status_code == 302
    assert set(dossier.partners.values_list("pk", flat=True)) == {mine.pk, other.pk}
    page = client.get(_url("dossier_edit", dossier)).content.decode()
    assert f'value="{mine.pk}" id="id_network_partners_0" checked' in page
    assert '<details class="calls-more" open>' in page


def test_summary_length_is_limited_and_what_was_typed_is_kept(world, call):
    dossier = f.make_dossier(call, world.slsp_a)
    response = world.client_for("referent_a").post(
        _url("dossier_edit", dossier),
        {"title": "Nouveau titre", "summary": "x" * 5001, "requested_amount": "10000"},
    )
    assert response.status_code == 200
    assert "summary" in response.context["form"].errors
    assert 'value="Nouveau titre"' in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.title == "Projet de test"


# --- Grids that grow in place ---


def test_add_a_row_without_javascript_keeps_what_was_typed(world, call):
    """Wrong before: "Enregistrez pour obtenir de nouvelles lignes vides"."""
    dossier = f.make_dossier(call, world.slsp_a, complete=False)
    client = world.client_for("referent_a")
    page = client.get(_url("dossier_budget", dossier)).content.decode()
    assert "Enregistrez pour obtenir" not in page
    assert "<template data-grid-template>" in page and "budget-__prefix__-label" in page
    response = client.post(
        _url("dossier_budget", dossier),
        {
            "budget-TOTAL_FORMS": "1",
            "budget-INITIAL_FORMS": "0",
            "budget-0-label": "Animation",
            "budget-0-amount": "1500",
            "add_row": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="budget-TOTAL_FORMS" value="2"' in html
    assert 'value="Animation"' in html and 'name="budget-1-label"' in html
    assert not BudgetLine.objects.filter(dossier=dossier).exists()  # nothing saved yet
    assert "1 500,00 €" in _text(html)  # the server's total follows what was typed


def test_rows_are_added_and_removed_in_one_save(world, call):
    dossier = f.make_dossier(call, world.slsp_a)
    line = dossier.budget_lines.get()
    response = world.client_for("referent_a").post(
        _url("dossier_budget", dossier),
        {
            "budget-TOTAL_FORMS": "3",
            "budget-INITIAL_FORMS": "1",
            "budget-0-id": line.pk,
            "budget-0-dossier": dossier.pk,
            "budget-0-label": line.label,
            "budget-0-amount": "10000",
            "budget-0-DELETE": "on",
            "budget-1-label": "Formation",
            "budget-1-amount": "4000",
            # Row 2 was removed in the page (no data): ignored.
        },
    )
    assert response.status_code == 302
    assert list(dossier.budget_lines.values_list("label", "amount")) == [
        ("Formation", Decimal("4000.00"))
    ]


def test_budget_page_shows_the_total_and_the_gap(world, call):
    """Wrong before: the budget had no total."""
    dossier = f.make_dossier(call, world.slsp_a, requested_amount=Decimal("14000"))
    BudgetLine.objects.create(dossier=dossier, label="Matériel", amount=Decimal("2000"))
    html = _text(
        world.client_for("referent_a").get(_url("dossier_budget", dossier)).content.decode()
    )
    assert "Total du budget : 12 000,00 €" in html
    assert (
        "Le budget (12 000,00 €) est inférieur de 2 000,00 € au montant demandé (14 000,00 €)"
        in html
    )


def test_refusal_states_the_gap(world, call):
    """Wrong before: "un budget détaillé au moins égal au montant demandé", no figures."""
    dossier = f.make_dossier(
        call,
        world.slsp_a,
        requested_amount=Decimal("14000"),
        approved_by=world.users["direction_a"],
    )
    BudgetLine.objects.create(dossier=dossier, label="Matériel", amount=Decimal("2000"))
    response = world.client_for("referent_a").post(_url("dossier_submit", dossier))
    shown = _text(" ".join(_messages(response)))
    assert (
        "Le budget (12 000,00 €) est inférieur de 2 000,00 € au montant demandé (14 000,00 €)"
        in shown
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT


# --- The direction's approval ---


def test_referent_cannot_submit_before_the_directions_approval(world, call):
    """Wrong before: the dossier was submitted without the direction's approval."""
    dossier = f.make_dossier(call, world.slsp_a)
    client = world.client_for("referent_a")
    page = client.get(_url("dossier_detail", dossier)).content.decode()
    assert "Pas encore approuvé" in page and _url("dossier_submit", dossier) not in page
    response = client.post(_url("dossier_submit", dossier))
    assert any("doit approuver le dossier" in m for m in _messages(response))
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT
    assert not DossierVersion.objects.filter(dossier=dossier).exists()


def test_only_the_lead_slsps_direction_approves(world, call):
    dossier = f.make_dossier(call, world.slsp_a, co=[world.slsp_b])
    with scopes_disabled():
        direction_b = make_user("direction", world.slsp_b)  # a co-applicant's direction
        direction_c = make_user("direction", SlspFactory())
    from django.test import Client

    for user in (direction_c, direction_b, world.users["referent_a"]):
        client = Client()
        client.force_login(user)
        assert client.post(_url("dossier_approve", dossier)).status_code == 404
    dossier.refresh_from_db()
    assert dossier.approved_at is None
    response = world.client_for("direction_a").post(_url("dossier_approve", dossier))
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.approved_by == world.users["direction_a"] and dossier.approved_at
    # Audited: the change history holds the approval.
    assert DossierHistory.objects.filter(
        pgh_obj=dossier, approved_by=world.users["direction_a"]
    ).exists()


def test_an_incomplete_dossier_is_not_approved(world, call):
    dossier = f.make_dossier(call, world.slsp_a, complete=False)
    response = world.client_for("direction_a").post(_url("dossier_approve", dossier))
    assert any("incomplet" in m for m in _messages(response))
    dossier.refresh_from_db()
    assert dossier.approved_at is None


def test_an_edit_after_the_approval_withdraws_it_and_says_so(world, call):
    dossier = f.make_dossier(call, world.slsp_a, approved_by=world.users["direction_a"])
    client = world.client_for("referent_a")
    page = client.get(_url("dossier_edit", dossier)).content.decode()
    assert "Toute modification retire cette approbation" in page
    response = client.post(
        _url("dossier_edit", dossier),
        {
            "title": "Titre changé",
            "summary": "Un projet.",
            "domains": ["habiter"],
            "target_publics": ["transit"],
            "requested_amount": "10000",
        },
    )
    assert response.status_code == 302
    assert any("approuver à nouveau" in m for m in _messages(response))
    dossier.refresh_from_db()
    assert dossier.approved_at is None and dossier.approved_by is None
    # Same for the grids.
    services.approve_dossier(dossier, world.users["direction_a"])
    line = dossier.budget_lines.get()
    client.post(
        _url("dossier_budget", dossier),
        {
            "budget-TOTAL_FORMS": "1",
            "budget-INITIAL_FORMS": "1",
            "budget-0-id": line.pk,
            "budget-0-dossier": dossier.pk,
            "budget-0-label": line.label,
            "budget-0-amount": "12000",
        },
    )
    dossier.refresh_from_db()
    assert dossier.approved_at is None


def test_receipt_and_page_show_fr_be_amounts_and_the_approver(world, call):
    """Wrong before: the receipt printed `28000 €` and `14000.00`."""
    call.ceiling_per_dossier = Decimal("30000")
    call.save()
    direction = world.users["direction_a"]
    dossier = f.make_dossier(call, world.slsp_a, requested_amount=Decimal("28000"))
    BudgetLine.objects.filter(dossier=dossier).update(amount=Decimal("14000"))
    BudgetLine.objects.create(dossier=dossier, label="Formation", amount=Decimal("14000.00"))
    services.approve_dossier(dossier, direction)
    client = world.client_for("referent_a")
    response = client.post(_url("dossier_submit", dossier))
    assert response.status_code == 302
    version = DossierVersion.objects.get(dossier=dossier)
    pdf = b"".join(
        client.get(reverse("calls:receipt", kwargs={"uuid": version.uuid})).streaming_content
    )
    text = _text("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "28 000,00 €" in text and "14 000,00 €" in text
    assert "28000 €" not in text and "14000.00" not in text
    assert direction.get_full_name() in text and "Approuvé par la direction" in text
    assert not re.search(r"\d\d:\d\d:\d\d", text)  # no seconds
    page = _text(client.get(_url("dossier_detail", dossier)).content.decode())
    assert f"Approuvé par la direction {direction.get_full_name()}," in page
    assert "28 000,00 €" in page and not re.search(r"\d\d:\d\d:\d\d", page)


def test_call_pages_read_fr_be(world):
    call = f.make_call(CallStatus.OPEN, total_budget=Decimal("128000"))
    html = _text(
        world.client_for("referent_a")
        .get(reverse("calls:call_detail", kwargs={"uuid": call.uuid}))
        .content.decode()
    )
    assert "128 000,00 €" in html and "20 000,00 €" in html
    assert "128000" not in html


# --- Query counts ---


@pytest.mark.parametrize(
    "page", ["dossier_budget", "dossier_actions", "dossier_edit", "dossier_detail"]
)
def test_dossier_pages_query_count_does_not_grow(world, call, page, django_assert_max_num_queries):
    client = world.client_for("referent_a")
    dossier = f.make_dossier(call, world.slsp_a)
    counts = []
    for n in (1, 3, 60):
        have = dossier.budget_lines.count()
        BudgetLine.objects.bulk_create(
            BudgetLine(dossier=dossier, label=f"L{i}", amount=Decimal(1)) for i in range(n - have)
        )
        with scopes_disabled():
            SlspFactory.create_batch(n - have if n > 1 else 0)
            for p in PartnerFactory.create_batch(max(n - have, 0)):
                SlspPartnerFactory(slsp=world.slsp_a, partner=p)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_url(page, dossier)).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1] == counts[2], counts
    with django_assert_max_num_queries(counts[0]):
        client.get(_url(page, dossier))


def test_submission_window_is_still_checked_after_approval(world):
    """The approval does not open a closed call."""
    call = f.make_call(CallStatus.OPEN)
    dossier = f.make_dossier(call, world.slsp_a, approved_by=world.users["direction_a"])
    with (
        time_machine.travel(call.closes_at + datetime.timedelta(seconds=1), tick=False),
        pytest.raises(services.SubmissionRefused),
    ):
        services.submit_dossier(dossier, world.users["referent_a"])
    with scopes_disabled():
        assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.DRAFT


def test_receipt_amounts_read_fr_be(world, call):
    """Wrong before: the receipt printed `28000 €` and `14000.00` (the snapshot's text)."""
    from django.utils import timezone

    from apps.calls import receipts

    call.ceiling_per_dossier = Decimal("30000")
    call.save()
    dossier = f.make_dossier(call, world.slsp_a, requested_amount=Decimal("28000"))
    BudgetLine.objects.filter(dossier=dossier).update(amount=Decimal("14000.00"))
    with scopes_disabled():
        version = services.freeze(dossier, world.users["referent_a"], timezone.now(), False)
    pdf = receipts.receipt_pdf(dossier, version)
    text = _text("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "28 000,00 €" in text and "14 000,00 €" in text
    assert "28000" not in text and "14000.00" not in text


def test_the_direction_is_told_and_the_referents_hear_back(
    world, call, mailoutbox, django_capture_on_commit_callbacks
):
    from apps.accounts.models import Notification

    dossier = f.make_dossier(call, world.slsp_a, title="Bien habiter")
    direction, referent = world.users["direction_a"], world.users["referent_a"]
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("referent_a").post(_url("dossier_request_approval", dossier))
    assert any("direction a été prévenue" in m for m in _messages(response))
    note = Notification.objects.get(user=direction)
    assert note.title == "Dossier à approuver : Bien habiter"
    assert note.url == _url("dossier_detail", dossier)
    with django_capture_on_commit_callbacks(execute=True):
        world.client_for("direction_a").post(_url("dossier_approve", dossier))
    assert Notification.objects.filter(user=referent, title__contains="approuvé").exists()
    # The direction of another SLSP is told nothing, and may not ask.
    assert not Notification.objects.exclude(user__in=[direction, referent]).exists()
    assert (
        world.client_for("referent_b").post(_url("dossier_request_approval", dossier)).status_code
        == 404
    )


def test_an_incomplete_dossier_is_not_sent_for_approval(world, call):
    from apps.accounts.models import Notification

    dossier = f.make_dossier(call, world.slsp_a, complete=False)
    response = world.client_for("referent_a").post(_url("dossier_request_approval", dossier))
    assert any("incomplet" in m for m in _messages(response))
    assert not Notification.objects.exists()


def test_an_unchanged_form_saved_late_does_not_restore_a_withdrawn_approval(world, call):
    from apps.calls.forms import DossierForm

    dossier = f.make_dossier(call, world.slsp_a, approved_by=world.users["direction_a"])
    with scopes_disabled():
        loaded = Dossier.objects.get(pk=dossier.pk)  # the page opened while approved
    data = {
        "title": loaded.title,
        "summary": loaded.summary,
        "domains": loaded.domains,
        "target_publics": loaded.target_publics,
        "requested_amount": str(loaded.requested_amount),
    }
    form = DossierForm(data, instance=loaded, call=call, lead_slsp_id=world.slsp_a.pk)
    assert form.is_valid(), form.errors
    services.withdraw_approval(dossier)  # meanwhile, another edit withdrew it
    services.update_dossier(loaded, form)
    dossier.refresh_from_db()
    assert dossier.approved_at is None


@pytest.mark.parametrize("persona", ["referent_a", "direction_a"])
def test_my_dossiers_query_count_is_constant_with_1_3_and_60_dossiers(world, call, persona):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client_for(persona)
    counts, made = [], 0
    for n in (1, 3, 60):
        for i in range(made, n):
            approver = world.users["direction_a"] if i % 2 else None
            f.make_dossier(call, world.slsp_a, co=[world.slsp_b], approved_by=approver)
        made = n
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("calls:my_dossiers"))
        assert response.status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1] == counts[2], counts
    html = response.content.decode()
    assert html.count("à approuver par la direction") == 30
    assert html.count(">approuvé par la direction<") == 30
