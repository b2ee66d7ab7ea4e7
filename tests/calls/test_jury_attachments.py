"""A juror downloads a dossier's attachments only after declaring no conflict on it."""

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from apps.accounts.models import Membership, Role
from apps.calls.models import Assignment, CallStatus, DossierStatus
from tests.accounts.factories import make_user
from tests.calls import factories as f

UNDECLARED = Assignment.Conflict.UNDECLARED


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def dossier(world):
    call = f.make_call(CallStatus.REVIEW)
    return f.make_dossier(call, world.slsp_a, status=DossierStatus.SUBMITTED)


def download_url(attachment) -> str:
    return reverse("calls:attachment_download", kwargs={"uuid": attachment.uuid})


def test_attachment_is_closed_until_the_juror_declares_no_conflict(world, dossier):
    attachment = f.make_attachment(dossier)
    juror = world.users["jury"]
    assignment = f.make_assignment(dossier, juror, conflict=UNDECLARED)
    c = client(juror)
    # The attack: the file's URL, typed before the declaration, opens nothing.
    assert c.get(download_url(attachment)).status_code == 404
    conflict_url = reverse("calls:conflict", kwargs={"uuid": assignment.uuid})
    assert c.post(conflict_url, {"has_conflict": "no"}).status_code == 302
    response = c.get(download_url(attachment))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert len(reader.pages) >= 1


def test_a_declared_conflict_never_opens_the_attachment(world, dossier):
    attachment = f.make_attachment(dossier)
    juror = world.users["jury"]
    assignment = f.make_assignment(dossier, juror, conflict=UNDECLARED)
    c = client(juror)
    conflict_url = reverse("calls:conflict", kwargs={"uuid": assignment.uuid})
    c.post(conflict_url, {"has_conflict": "yes", "reason": "Ancien administrateur"})
    assert c.get(download_url(attachment)).status_code == 404


def test_an_unassigned_juror_and_other_roles_are_refused(world, dossier):
    attachment = f.make_attachment(dossier)
    f.make_assignment(dossier, world.users["jury"])  # someone else's assignment, declared
    other_juror = make_user(Role.JURY)
    assert client(other_juror).get(download_url(attachment)).status_code == 404
    for persona in ("referent_b", "admin"):
        assert world.client_for(persona).get(download_url(attachment)).status_code == 404
    anonymous = world.client_for("anonymous").get(download_url(attachment))
    assert anonymous.status_code == 302 and "connexion" in anonymous["Location"]
    # The applicant SLSP and the coordinator keep their access.
    for persona in ("referent_a", "coordinateur"):
        assert world.client_for(persona).get(download_url(attachment)).status_code == 200


def test_a_juror_who_also_applies_reads_own_dossier_without_a_declaration(world, dossier):
    """A référent of the applicant SLSP who also sits on a jury keeps the applicant's
    access to their own dossier's files (they are never assigned to it)."""
    attachment = f.make_attachment(dossier)
    referent = world.users["referent_a"]
    Membership.objects.create(user=referent, role=Role.JURY)
    assert client(referent).get(download_url(attachment)).status_code == 200


def test_download_query_count_does_not_grow_with_assignments(
    world, dossier, django_assert_max_num_queries
):
    attachment = f.make_attachment(dossier)
    juror = world.users["jury"]
    f.make_assignment(dossier, juror)
    c = client(juror)
    c.get(download_url(attachment))  # session and user warm-up
    counts = []
    for _round in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert c.get(download_url(attachment)).status_code == 200
        counts.append(len(queries))
        for _extra in range(3):
            other = f.make_dossier(dossier.call, world.slsp_b, status=DossierStatus.SUBMITTED)
            f.make_assignment(other, juror)
            f.make_attachment(other)
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(8):
        c.get(download_url(attachment))
