"""Calls, dossiers and jury data: `make_*` builders, each a model with the rows it needs
(criteria, applicants, actions, budget lines, scores) — the graph is small."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.calls.models import (
    Action,
    Assignment,
    Attachment,
    BudgetLine,
    Call,
    CallStatus,
    Criterion,
    Dossier,
    DossierApplicant,
    DossierStatus,
    DossierVersion,
    Score,
)
from tests.core.factories import pdf_bytes


def make_call(status=CallStatus.OPEN, criteria=None, **kwargs) -> Call:
    now = timezone.now()
    defaults = {
        "title": "Appel de test",
        "opens_at": now - datetime.timedelta(days=10),
        "closes_at": now + datetime.timedelta(days=10),
        "jury_meeting_on": (now + datetime.timedelta(days=20)).date(),
        "total_budget": Decimal("100000"),
        "ceiling_per_dossier": Decimal("20000"),
        "status": status,
    }
    defaults.update(kwargs)
    call = Call.objects.create(**defaults)
    for position, spec in enumerate(criteria or [("Critère A", 1, True)], start=1):
        label, weight, counts = spec
        Criterion.objects.create(
            call=call, position=position, label=label, weight=Decimal(weight), counts=counts
        )
    return call


def make_dossier(
    call, lead, co=(), complete=True, status=DossierStatus.DRAFT, approved_by=None, **kwargs
):
    """`approved_by`: the direction's approval, needed to submit (see services)."""
    if approved_by is not None:
        kwargs.update(approved_by=approved_by, approved_at=timezone.now())
    with scopes_disabled():
        fields = {
            "title": "Projet de test",
            "summary": "Un projet." if complete else "",
            "domains": ["habiter"] if complete else [],
            "target_publics": ["transit"] if complete else [],
            "requested_amount": Decimal("10000") if complete else None,
            "status": status,
            "submitted_at": timezone.now() if status == DossierStatus.SUBMITTED else None,
        }
        fields.update(kwargs)
        dossier = Dossier.objects.create(call=call, lead_slsp=lead, **fields)
        DossierApplicant.objects.create(dossier=dossier, slsp=lead, is_lead=True)
        for slsp in co:
            DossierApplicant.objects.create(dossier=dossier, slsp=slsp)
        if complete:
            Action.objects.create(
                dossier=dossier, title="Accueil", individual=True, collective=True
            )
            BudgetLine.objects.create(dossier=dossier, label="Animation", amount=Decimal("10000"))
    return dossier


def make_version(dossier, user=None):
    version = DossierVersion(
        dossier=dossier, number=1, snapshot={}, submitted_at=timezone.now(), submitted_by=user
    )
    version.receipt.save("r.pdf", ContentFile(pdf_bytes("Recepisse")), save=False)
    version.save()
    return version


def make_attachment(dossier):
    attachment = Attachment(dossier=dossier, title="Annexe", size=100)
    attachment.file.save("a.pdf", ContentFile(pdf_bytes()), save=False)
    attachment.save()
    return attachment


def make_assignment(
    dossier, juror, conflict=Assignment.Conflict.NONE, scores=None, submitted=False
):
    assignment = Assignment.objects.create(
        dossier=dossier,
        juror=juror,
        conflict=conflict,
        status=Assignment.Status.SUBMITTED if submitted else Assignment.Status.DRAFT,
    )
    for criterion_id, value in (scores or {}).items():
        Score.objects.create(assignment=assignment, criterion_id=criterion_id, value=value)
    return assignment
