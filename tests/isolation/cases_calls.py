"""URL classification of the calls for projects and the jury ."""

from apps.accounts.models import Role
from apps.calls.models import Assignment, CallStatus, Decision, DossierStatus, Outcome
from tests.calls import factories as f
from tests.isolation.cases import STAFF_A, UrlCase, expect

COORD = ("coordinateur",)
READERS = (*STAFF_A, "referent_b", "coordinateur")


def _open_call(w):
    if "open_call" not in w.objects:
        w.objects["open_call"] = f.make_call(CallStatus.OPEN)
    return w.objects["open_call"]


def _draft(w):
    """A draft dossier of SLSP A in the open call."""
    if "draft" not in w.objects:
        w.objects["draft"] = f.make_dossier(_open_call(w), w.slsp_a)
    return w.objects["draft"]


def _review_call(w):
    if "review_call" not in w.objects:
        w.objects["review_call"] = f.make_call(CallStatus.REVIEW, title="Appel en évaluation")
    return w.objects["review_call"]


def _submitted(w):
    """A submitted dossier of SLSP A under review, assigned to the juror (no conflict)."""
    if "submitted" not in w.objects:
        dossier = f.make_dossier(_review_call(w), w.slsp_a, status=DossierStatus.SUBMITTED)
        w.objects["assignment"] = f.make_assignment(dossier, w.users["jury"])
        w.objects["submitted"] = dossier
    return w.objects["submitted"]


def _assignment(w, conflict=Assignment.Conflict.NONE):
    _submitted(w)
    assignment = w.objects["assignment"]
    if assignment.conflict != conflict:
        assignment.conflict = conflict
        assignment.save(update_fields=["conflict"])
    return assignment


def _deliberation_call(w):
    """A call in deliberation with a submitted dossier of SLSP A (its ranking exists)."""
    if "deliberation_call" not in w.objects:
        call = f.make_call(CallStatus.DELIBERATION, title="Appel en délibération")
        w.objects["deliberated"] = f.make_dossier(call, w.slsp_a, status=DossierStatus.SUBMITTED)
        w.objects["deliberation_call"] = call
    return w.objects["deliberation_call"]


def _deliberated(w):
    _deliberation_call(w)
    return w.objects["deliberated"]


def _decided(w):
    """A decided dossier of SLSP A (lead) and SLSP B (co-applicant)."""
    if "decided" not in w.objects:
        call = f.make_call(CallStatus.DECIDED, title="Appel décidé")
        dossier = f.make_dossier(call, w.slsp_a, co=[w.slsp_b], status=DossierStatus.SUBMITTED)
        Decision.objects.create(dossier=dossier, outcome=Outcome.REJECTED, rationale="Motif")
        w.objects["decided"] = dossier
    return w.objects["decided"]


def _selected(w):
    """A dossier of SLSP A selected by the jury of a decided call: in the library."""
    if "selected" not in w.objects:
        call = f.make_call(CallStatus.DECIDED, title="Appel décidé")
        dossier = f.make_dossier(call, w.slsp_a, status=DossierStatus.SUBMITTED)
        Decision.objects.create(dossier=dossier, outcome=Outcome.SELECTED, rationale="Jury")
        w.objects["selected"] = dossier
    return w.objects["selected"]


def _uuid(getter):
    return lambda w: {"uuid": getter(w).uuid}


CASES = [
    UrlCase(
        "calls:index",
        expect(ok=(*READERS, "jury")),
        note="SLSP staff, coordinators and jurors; the technical admin runs no call",
    ),
    UrlCase("calls:call_create", expect(ok=COORD)),
    UrlCase("calls:my_dossiers", expect(ok=(*STAFF_A, "referent_b"))),
    UrlCase("calls:library", expect(ok=READERS)),
    UrlCase(
        "calls:library_entry",
        expect(ok=READERS),
        kwargs=_uuid(_selected),
        note="a selected project is shared with every SLSP's staff; jurors do not browse it",
    ),
    UrlCase("calls:jury_list", expect(ok=("jury",))),
    UrlCase(
        "calls:score",
        expect(ok=("jury",)),
        kwargs=_uuid(lambda w: _assignment(w)),
        note="only the assigned juror, after declaring no conflict",
    ),
    UrlCase(
        "calls:conflict",
        expect(ok=("jury",)),
        kwargs=_uuid(lambda w: _assignment(w, Assignment.Conflict.UNDECLARED)),
    ),
    UrlCase(
        "calls:call_detail",
        expect(ok=READERS),
        kwargs=_uuid(_open_call),
        note="the juror sees only calls where dossiers are assigned to them",
    ),
    UrlCase("calls:call_edit", expect(ok=COORD), kwargs=_uuid(_open_call)),
    UrlCase(
        "calls:call_transition",
        expect(ok=COORD, status=302),
        method="post",
        kwargs=_uuid(_open_call),
        data=lambda w: {"target": "closed"},
        note="refused before closing time with a message (tests)",
    ),
    UrlCase(
        "calls:dossier_create",
        expect(ok=("referent_a", "referent_b")),
        kwargs=_uuid(_open_call),
    ),
    UrlCase(
        "calls:dossier_detail",
        expect(ok=(*STAFF_A, "coordinateur")),
        kwargs=_uuid(_draft),
        note="SLSP B is not an applicant; the juror is not assigned",
    ),
    UrlCase("calls:dossier_edit", expect(ok=("referent_a",)), kwargs=_uuid(_draft)),
    UrlCase("calls:dossier_actions", expect(ok=("referent_a",)), kwargs=_uuid(_draft)),
    UrlCase("calls:dossier_budget", expect(ok=("referent_a",)), kwargs=_uuid(_draft)),
    UrlCase("calls:attachment_add", expect(ok=("referent_a",)), kwargs=_uuid(_draft)),
    UrlCase(
        "calls:dossier_submit",
        expect(ok=("referent_a",), status=302),
        method="post",
        kwargs=_uuid(_draft),
    ),
    UrlCase(
        "calls:dossier_approve",
        expect(ok=("direction_a",), status=302),
        method="post",
        kwargs=_uuid(_draft),
        note="only the lead SLSP's direction; the référent cannot approve their own dossier",
    ),
    UrlCase(
        "calls:dossier_request_approval",
        expect(ok=("referent_a",), status=302),
        method="post",
        kwargs=_uuid(_draft),
    ),
    UrlCase(
        "calls:dossier_withdraw",
        expect(ok=("referent_a",), status=302),
        method="post",
        kwargs=_uuid(_draft),
        note="refused with a message: the dossier is a draft",
    ),
    UrlCase(
        "calls:decision",
        expect(ok=COORD),
        kwargs=_uuid(_deliberated),
        note="404 for everyone before the deliberation (tests/calls/test_deliberation.py)",
    ),
    UrlCase(
        "calls:decision_letter",
        expect(ok=COORD),
        kwargs=lambda w: {"uuid": _decided(w).uuid, "slsp": w.slsp_b.uuid},
        note="one letter per applicant SLSP, once the decisions are final",
    ),
    UrlCase(
        "calls:replace",
        expect(ok=COORD),
        kwargs=_uuid(_submitted),
        note="the president picks a replacement juror from the pool",
    ),
    UrlCase(
        "calls:score_submit",
        expect(ok=("jury",), status=302),
        kwargs=_uuid(lambda w: _assignment(w)),
        note="nothing scored yet: back to the score sheet with a message (tests)",
    ),
    UrlCase(
        "calls:dossier_pdf",
        expect(ok=("jury",)),
        kwargs=_uuid(lambda w: _assignment(w)),
        note="only the assigned juror, after declaring no conflict; access-logged",
    ),
    UrlCase(
        "calls:attachment_download",
        expect(ok=(*STAFF_A, "coordinateur")),
        kwargs=_uuid(lambda w: f.make_attachment(_draft(w))),
    ),
    UrlCase(
        "calls:receipt",
        expect(ok=(*STAFF_A, "coordinateur")),
        kwargs=_uuid(lambda w: f.make_version(_submitted(w))),
        note="the assigned juror reads the dossier, never the applicant's receipt",
    ),
    UrlCase("calls:jury_assign", expect(ok=COORD), kwargs=_uuid(_review_call)),
    UrlCase(
        "calls:assign_balanced",
        expect(ok=COORD, status=302),
        method="post",
        kwargs=_uuid(_review_call),
        data=lambda w: {"per_dossier": "2"},
    ),
    UrlCase("calls:ranking", expect(ok=COORD), kwargs=_uuid(_review_call)),
    UrlCase(
        "calls:notes",
        expect(ok=COORD, status=302),
        method="post",
        kwargs=_uuid(_review_call),
        data=lambda w: {"deliberation_notes": "Notes"},
    ),
    UrlCase(
        "calls:results_pdf",
        expect(ok=COORD),
        kwargs=_uuid(_deliberation_call),
        note="404 before the deliberation",
    ),
    UrlCase("calls:minutes_pdf", expect(ok=COORD), kwargs=_uuid(_deliberation_call)),
    UrlCase("calls:ranking_xlsx", expect(ok=COORD), kwargs=_uuid(_deliberation_call)),
    UrlCase(
        "calls:attendance",
        expect(ok=COORD, status=302),
        method="post",
        kwargs=_uuid(_deliberation_call),
        data=lambda w: {"attendees": []},
    ),
]

assert Role
