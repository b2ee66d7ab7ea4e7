"""Two requests on one assignment at once (a double click, a second tab): the second
waits for the first's row lock, then sees its write. Real transactions on two database
connections; without the lock the second request would write again."""

import threading
import time

import pytest
from django.db import connection, transaction

from apps.calls import services
from apps.calls.models import Assignment, CallStatus, DossierStatus, Score
from tests.calls import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def assignment(world):
    call = f.make_call(CallStatus.REVIEW, criteria=[("Pertinence", 1, True)])
    dossier = f.make_dossier(call, world.slsp_a, status=DossierStatus.SUBMITTED)
    return f.make_assignment(dossier, world.users["jury"])


def in_second_connection(work) -> tuple[threading.Thread, dict]:
    """Run `work` on its own connection; its outcome lands in the returned dict."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except Exception as error:  # noqa: BLE001 (the test inspects it)
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def waits_then_finishes(thread, commit) -> None:
    thread.join(timeout=1.0)
    assert thread.is_alive(), "the second request did not wait for the row lock"
    commit()
    thread.join(timeout=10)
    assert not thread.is_alive()


def test_a_second_submission_waits_and_is_refused(assignment):
    criteria = list(assignment.dossier.call.criteria.all())
    cleaned = {f"score_{c.pk}": 4 for c in criteria} | {"overall_comment": "Deuxième onglet"}
    first = transaction.atomic()
    first.__enter__()
    services.save_scores(
        assignment, criteria, cleaned | {"overall_comment": "Premier"}, submit=True
    )
    second = Assignment.objects.get(pk=assignment.pk)  # what the other tab had loaded
    thread, outcome = in_second_connection(
        lambda: services.save_scores(second, criteria, cleaned, submit=True)
    )
    time.sleep(0.2)
    waits_then_finishes(thread, lambda: first.__exit__(None, None, None))
    assert isinstance(outcome.get("error"), services.AssignmentRefused), outcome
    assignment.refresh_from_db()
    assert assignment.is_submitted and assignment.overall_comment == "Premier"
    assert Score.objects.filter(assignment=assignment).count() == len(criteria)


def test_a_second_conflict_declaration_waits_and_is_refused(assignment):
    Assignment.objects.filter(pk=assignment.pk).update(conflict=Assignment.Conflict.UNDECLARED)
    assignment.refresh_from_db()
    first = transaction.atomic()
    first.__enter__()
    services.declare_conflict(assignment, True, "Ancien collègue")
    second = Assignment.objects.get(pk=assignment.pk)
    thread, outcome = in_second_connection(lambda: services.declare_conflict(second, False, ""))
    time.sleep(0.2)
    waits_then_finishes(thread, lambda: first.__exit__(None, None, None))
    assert isinstance(outcome.get("error"), services.AssignmentRefused), outcome
    assignment.refresh_from_db()
    assert assignment.conflict == Assignment.Conflict.CONFLICT
    assert assignment.conflict_reason == "Ancien collègue"
