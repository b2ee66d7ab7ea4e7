"""One rule for sensitive notes (apps.accompaniment.sensitive), obeyed by every output:
the household export (JSON and PDF), the break-glass page, the household page, the
lists and the access log, the change history and the Django admin."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from apps.accompaniment import sensitive, services
from apps.accompaniment.models import Moment, MomentKind, Sensitivity
from apps.accounts.models import AccessLog
from apps.audit.models import TRACKED
from tests.privacy.factories import MOMENT_NOTE, REASON, SENSITIVE, make_rich_household

pytestmark = pytest.mark.django_db
WHY = "Demande d'accès du locataire reçue le 12/11"
SECOND = "Certificat médical remis : hospitalisation de jour"
WITHHELD = "Note sensible (non incluse)"


def url(household) -> str:
    return reverse("privacy:household_export", kwargs={"uuid": household.uuid})


def add_sensitive(household, user, text: str = SECOND) -> Moment:
    with scope(slsp=[household.slsp_id]):
        return services.log_moment(
            household,
            user,
            kind=MomentKind.OFFICE,
            date=datetime.date.today(),
            duration_minutes=20,
            sensitivity=Sensitivity.VIOLENCE,
            sensitive_note=text,
        )


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def sensitive_reads():
    # Leaves out the break-glass read the fixture writes itself (make_rich_household).
    return AccessLog.objects.filter(object_type="accompaniment.moment").exclude(reason=REASON)


# --- The export -------------------------------------------------------------------


@pytest.mark.parametrize("include", [False, True])
def test_direction_export_never_holds_a_sensitive_note(world, client_for, household, include):
    """The attack: the direction, refused on the break-glass page, exported the household
    and read every note. Forging the option changes nothing."""
    client = client_for("direction_a")
    data = {"reason": WHY, **({"include_sensitive": "on"} if include else {})}
    response = client.post(url(household), {**data, "format": "json"})
    assert response.status_code == 200
    body = response.content.decode()
    assert SENSITIVE not in body
    moments = json.loads(body)["moments"]
    assert MOMENT_NOTE in {m["note"] for m in moments}
    assert [m["note_sensible"] for m in moments if m["note_sensible_nature"]] == [WITHHELD]
    assert json.loads(body)["notes_sensibles_incluses"] is False

    response = client.post(url(household), {**data, "format": "pdf"})
    text = pdf_text(response.content)
    assert SENSITIVE not in text and "Suivi psychiatrique" not in text
    assert WITHHELD in text and MOMENT_NOTE in text
    assert not sensitive_reads().exists()


def test_direction_form_has_no_sensitive_option(world, client_for, household):
    assert "include_sensitive" not in client_for("direction_a").get(url(household)).content.decode()
    page = client_for("referent_a").get(url(household)).content.decode()
    assert 'name="include_sensitive"' in page
    assert "Inclure les notes sensibles" in page


def test_referent_export_without_the_option_withholds_the_notes(world, client_for, household):
    response = client_for("referent_a").post(url(household), {"format": "json", "reason": WHY})
    assert SENSITIVE not in response.content.decode()
    assert WITHHELD in response.content.decode()
    assert not sensitive_reads().exists()


@pytest.mark.parametrize("kind", ["json", "pdf"])
def test_referent_export_with_the_option_logs_each_note(world, client_for, household, kind):
    referent = world.users["referent_a"]
    second = add_sensitive(household, referent)
    # Another household's note: never in this export, never logged by it.
    other = make_rich_household(world.slsp_a, referent)
    response = client_for("referent_a").post(
        url(household), {"format": kind, "reason": WHY, "include_sensitive": "on"}
    )
    assert response.status_code == 200
    text = response.content.decode() if kind == "json" else pdf_text(response.content)
    assert SENSITIVE in text and SECOND in text
    assert WITHHELD not in text
    with scopes_disabled():
        expected = set(household.moments.exclude(sensitivity="").values_list("uuid", flat=True)) | {
            second.uuid
        }
    rows = list(sensitive_reads())
    assert len(rows) == 2
    assert {r.object_id for r in rows} == {str(u) for u in expected}
    for row in rows:
        assert (row.user, row.reason, row.view_name, row.subject_household, row.slsp_id) == (
            referent,
            WHY,
            "privacy:household_export",
            household.pk,
            household.slsp_id,
        )
    assert other.pk not in {r.subject_household for r in rows}


def test_bad_input_logs_nothing_and_reveals_nothing(world, client_for, household):
    before = AccessLog.objects.count()
    response = client_for("referent_a").post(
        url(household), {"format": "json", "reason": "court", "include_sensitive": "on"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Assurez-vous que cette valeur comporte au moins 10" in html
    assert SENSITIVE not in html
    assert AccessLog.objects.count() == before


def test_export_with_notes_query_count_does_not_grow(
    world, client_for, django_assert_max_num_queries
):
    referent = world.users["referent_a"]
    client = client_for("referent_a")
    data = {"format": "json", "reason": WHY, "include_sensitive": "on"}
    one = make_rich_household(world.slsp_a, referent)
    with CaptureQueriesContext(connection) as few:
        client.post(url(one), data)
    many = make_rich_household(world.slsp_a, referent)
    for n in range(3):
        add_sensitive(many, referent, f"{SECOND} {n}")
    with django_assert_max_num_queries(len(few)):
        response = client.post(url(many), data)
    assert sum(1 for m in json.loads(response.content)["moments"] if m["note_sensible"]) == 4
    assert sensitive_reads().filter(subject_household=many.pk).count() == 4


# --- The rule itself ----------------------------------------------------------------


def test_reveal_gives_nothing_to_a_reader_without_the_right(world, household):
    with scopes_disabled():
        moments = list(household.moments.all())
    for persona in ("direction_a", "referent_b", "coordinateur", "jury", "admin"):
        request = RequestFactory().post("/")
        request.user = world.users[persona]
        assert sensitive.reveal(request, moments, reason=WHY) == {}, persona
    request.user = world.users["referent_a"]
    with pytest.raises(ValueError):
        sensitive.reveal(request, moments, reason="  ")
    assert not sensitive_reads().exists()
    with scope(slsp=[world.slsp_a.pk]):  # as in a request
        revealed = sensitive.reveal(request, moments, reason=WHY)
    assert list(revealed.values()) == [SENSITIVE]
    assert sensitive_reads().count() == 1


def test_break_glass_page_goes_through_the_rule(world, client_for, household):
    with scopes_disabled():
        moment = household.moments.exclude(sensitivity="").get()
    link = reverse("accompaniment:moment_sensitive", kwargs={"uuid": moment.uuid})
    assert client_for("direction_a").post(link, {"reason": WHY}).status_code == 404
    assert SENSITIVE not in client_for("referent_a").get(link).content.decode()
    page = client_for("referent_a").post(link, {"reason": WHY})
    assert SENSITIVE in page.content.decode()
    (row,) = sensitive_reads()
    assert (row.object_id, row.reason, row.view_name) == (
        str(moment.uuid),
        WHY,
        "accompaniment:moment_sensitive",
    )


# --- Pages, lists, history and admin ---------------------------------------------------


def test_direction_pages_and_history_views_show_no_sensitive_text(world, client_for, household):
    """Every page the direction may open about the household, its lists, its access log
    (which names the break-glass reads) and the referral's history."""
    with scopes_disabled():
        referral = household.referrals.get()
    client = client_for("direction_a")
    pages = [
        reverse("tenants:household", kwargs={"uuid": household.uuid}),
        reverse("tenants:households") + f"?q={SENSITIVE[:12]}",
        reverse("accompaniment:follow_ups") + f"?q={SENSITIVE[:12]}",
        reverse("accompaniment:work_lists"),
        reverse("referrals:referral_detail", kwargs={"uuid": referral.uuid}),
        reverse("privacy:access_log"),
        reverse("privacy:access_log") + f"?menage={household.uuid}",
        url(household),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert "Suivi psychiatrique" not in response.content.decode(), page


def _history_rows_text() -> str:
    from pghistory.models import Context

    chunks = []
    for model in apps.get_app_config("audit").get_models():
        for row in model.objects.all().values():
            chunks.extend(str(v) for v in row.values())
    chunks.extend(str(c) for c in Context.objects.values_list("metadata", flat=True))
    return "\n".join(chunks)


def test_change_history_never_copies_a_sensitive_note(world, client_for, household):
    """Writes through a page (pghistory context), the service and a bulk update: no
    history table nor context holds the text; the tracked fields exclude it."""
    for model, fields in sensitive.SENSITIVE_FIELDS.items():
        assert not set(fields) & set(TRACKED.get(model, ())), model
    client = client_for("referent_a")
    client.post(
        reverse("accompaniment:moment_create", kwargs={"uuid": household.uuid}),
        {
            "moment-kind": MomentKind.PHONE,
            "moment-date": datetime.date.today().isoformat(),
            "moment-duration_minutes": "10",
            "moment-sensitivity": Sensitivity.HEALTH,
            "moment-sensitive_note": SECOND,
        },
    )
    with scopes_disabled():
        assert Moment.objects.filter(sensitive_note=SECOND).exists()
        Moment.objects.filter(household=household).exclude(sensitivity="").update(
            sensitive_note="Réécrit : violences conjugales"
        )
    text = _history_rows_text()
    assert "Moment" in str(TRACKED)  # moments are tracked: the scan reads real rows
    assert text, "no history written: the test would prove nothing"
    for secret in (SENSITIVE, SECOND, "Réécrit : violences"):
        assert secret not in text


def test_admin_never_shows_a_sensitive_note(world, client_for, household):
    """Whatever the admin registers (helper of the admin files): no sensitive field is
    listed, searched or displayed, and the pages of moments and their history hold no
    note text."""
    request = RequestFactory().get("/")
    request.user = world.users["admin"]
    for model, model_admin in admin.site._registry.items():
        hidden = set(sensitive.SENSITIVE_FIELDS.get(model, ()))
        if not hidden:
            continue
        shown = set(model_admin.get_list_display(request)) | set(model_admin.search_fields)
        shown |= set(model_admin.get_readonly_fields(request))
        with scopes_disabled():  # as the admin runs
            obj = model.objects.filter(household=household).first()
            shown |= set(model_admin.get_fields(request, obj))
        assert not hidden & shown, model
    client = client_for("admin")
    with scopes_disabled():
        moment = household.moments.exclude(sensitivity="").get()
    for model in (Moment, apps.get_model("audit", "MomentHistory")):
        if model not in admin.site._registry:
            continue
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        response = client.get(changelist)
        assert SENSITIVE not in response.content.decode()
        with scopes_disabled():
            obj = model.objects.filter(pk=moment.pk).first() if model is Moment else None
        if obj is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            assert SENSITIVE not in client.get(change).content.decode()


def test_tracking_a_sensitive_note_in_the_history_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    from apps.audit.models import _track

    with pytest.raises(ImproperlyConfigured):
        _track(Moment, ["note", "sensitive_note"])
