"""The demo calls: believable, consistent with the rules, and idempotent."""

import pytest
from django.db.models import Count
from django_scopes import scopes_disabled
from pypdf import PdfReader

from apps.accounts.models import Membership, Role, User
from apps.calls import queries, services
from apps.calls.demo import CRITERIA_2011
from apps.calls.models import (
    Assignment,
    Call,
    CallStatus,
    Decision,
    Dossier,
    DossierApplicant,
    DossierStatus,
    DossierVersion,
    Score,
)

pytestmark = pytest.mark.django_db


def test_demo_calls_are_consistent_and_idempotent(seeded_demo):
    first, second = seeded_demo.counts(
        Call, Dossier, DossierApplicant, DossierVersion, Assignment, Score, Decision
    )
    assert second == first

    with scopes_disabled():
        call = Call.objects.get(
            title="Le référent social au cœur de l'accompagnement social dans les SLSP"
        )
        assert call.status == CallStatus.DELIBERATION
        assert [c.label for c in call.criteria.order_by("position")] == [
            c[0] for c in CRITERIA_2011
        ]
        assert call.criteria.filter(counts=False).count() == 1
        dossiers = Dossier.objects.filter(call=call)
        assert dossiers.filter(status=DossierStatus.SUBMITTED).count() == 40
        # Only demo SLSPs apply; several dossiers are joint.
        applicants = DossierApplicant.objects.filter(dossier__call=call)
        assert not applicants.filter(slsp__is_demo=False).exists()
        summary = queries.call_summary(call)
        assert summary["joint"] >= 3
        assert summary["slsps"] >= 38
        # Every submitted dossier has its frozen version; receipts not rendered while
        # seeding are rendered from the frozen snapshot on first download.
        versions = DossierVersion.objects.filter(dossier__call=call)
        assert versions.count() == 40
        assert versions.exclude(receipt="").exists()
        late = services.ensure_receipt(versions.filter(receipt="").first())
        with late.receipt.open("rb") as handle:
            text = " ".join(PdfReader(handle).pages[0].extract_text().split())
        assert late.snapshot["title"] in text and "Récépissé de dépôt" in text

        # Seven jurors, the demo juror among them; a declared conflict or two.
        assignments = Assignment.objects.filter(dossier__call=call)
        jurors = set(assignments.values_list("juror__email", flat=True))
        assert len(jurors) == 7 and "jury@demo.slsp-referent.be" in jurors
        assert assignments.filter(conflict=Assignment.Conflict.CONFLICT).exists()
        # Deliberation: every non-conflicted review is in (the transition's own rule).
        assert not assignments.filter(status=Assignment.Status.DRAFT).exclude(
            conflict=Assignment.Conflict.CONFLICT
        )
        # The juror who is also a référente never gets her own SLSP's dossiers.
        linked = User.objects.get(email="jure.6@demo.slsp-referent.be")
        own = Membership.objects.get(user=linked, role=Role.REFERENT).slsp_id
        assert applicants.filter(slsp_id=own).exists()
        assert not assignments.filter(juror=linked, dossier__applicants__slsp_id=own).exists()
        assert assignments.filter(juror=linked).exists()

        ranking = queries.ranking(call)["rows"]
        assert all(row.total is not None for row in ranking)
        assert any(row.flagged for row in ranking)
        ranks = [row.rank for row in ranking]
        assert len(set(ranks)) < len(ranks)  # a tie is shown
        assert not ranking[-1].within_budget  # the demand exceeds the budget
        decided = Decision.objects.filter(dossier__call=call)
        assert 0 < decided.count() < 40

        # Under review: the demo juror still has declarations and scores to make.
        review = Call.objects.get(status=CallStatus.REVIEW)
        mine = Assignment.objects.filter(
            dossier__call=review, juror__email="jury@demo.slsp-referent.be"
        )
        assert mine.filter(conflict=Assignment.Conflict.UNDECLARED).exists()
        assert mine.filter(status=Assignment.Status.SUBMITTED).exists()

        # The open call accepts dossiers; référente A sees the joint draft of B.
        open_call = Call.objects.get(status=CallStatus.OPEN)
        assert services.is_open_for_submission(open_call)
        referente = User.objects.get(email="referente.a@demo.slsp-referent.be")
        drafts = queries.my_dossiers(referente).filter(call=open_call, status=DossierStatus.DRAFT)
        assert drafts.annotate(n=Count("applicants")).get().n == 2

        # Selected dossiers of the decided call fill the good-practice library.
        library = queries.library_for(referente)
        assert library.exists()
        assert {d.decision.outcome for d in library} == {"selected"}
