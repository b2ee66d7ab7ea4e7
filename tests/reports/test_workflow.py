"""The report workflow people follow: the référent writes beside the figures, the direction
validates (warned about empty parts, confirming no person is named) or sends the report
back with a comment; everyone concerned is told; texts naming a tenant are refused."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.accounts.models import Notification
from apps.reports import documents, names, services
from apps.reports.models import (
    BuildStatus,
    ItemEvaluation,
    RegionalReport,
    ReportBuild,
    ReportEvent,
    ReportEventKind,
    ReportStatus,
)
from tests.reports.factories import SEMESTER, TENANT_NAMES, YEAR, make_activity

pytestmark = pytest.mark.django_db


def _open(world):
    make_activity(world.slsp_a, world.users["referent_a"])
    with scope(slsp=[world.slsp_a.pk]):
        report, _ = services.open_report(world.slsp_a, YEAR, SEMESTER, world.users["referent_a"])
        evaluations = list(report.evaluations.order_by("pk"))
    return report, evaluations


def _texts(evaluations, **override):
    data = {"summary": "Un semestre de mise en place."}
    for e in evaluations:
        data[f"e{e.pk}_worked"] = "Les permanences du mardi."
        data[f"e{e.pk}_obstacles"] = "Peu de disponibilité des partenaires."
        data[f"e{e.pk}_next_steps"] = "Continuer."
    data.update(override)
    return data


def _url(name, report):
    return reverse(f"reports:{name}", kwargs={"uuid": report.uuid})


# --- Names of tenants --------------------------------------------------------------


def test_name_matching_is_whole_word_case_and_accent_insensitive():
    tokens = names.name_tokens(["Oukacha-Témoin", "Ménage Lambotte 3", "Van Damme", "Li"])
    assert {"oukacha", "temoin", "lambotte", "damme"} <= tokens
    # Particles, household words, two-letter tokens and digits are no names.
    assert not {"van", "menage", "li", "3"} & tokens
    assert names.find_name("Rencontré M. LAMBOTTE hier", tokens) == "LAMBOTTE"
    assert names.find_name("le témoin est venu", tokens) == "témoin"
    assert names.find_name("le temoin est venu", tokens) == "temoin"
    assert names.find_name("un témoignage, les Lambottes", tokens) is None
    assert names.find_name("Le ménage a été relogé.", tokens) is None


def test_a_text_naming_a_tenant_is_refused_beside_its_field_and_everything_kept(world, client_for):
    report, evaluations = _open(world)
    first = evaluations[0]
    typed = f"Visite chez les {TENANT_NAMES[2].upper()} : bon contact."
    data = _texts(evaluations, **{f"e{first.pk}_obstacles": typed})
    response = client_for("referent_a").post(_url("semester_evaluate", report), data)
    assert response.status_code == 400
    html = response.content.decode()
    # The error names the objective and the word; everything typed is still there.
    field_id = f"id_e{first.pk}_obstacles-error"
    error = re.search(rf'<span class="field-error" id="{field_id}">([^<]*)', html)
    assert error and first.title in error.group(1) and "LAMBOTTE" in error.group(1)
    assert typed in html and "Un semestre de mise en place." in html
    assert html.count("Les permanences du mardi.") == len(evaluations)
    with scopes_disabled():
        report.refresh_from_db()
        assert report.summary == "" and not ItemEvaluation.objects.exclude(worked="").exists()


def test_line_breaks_count_as_the_browser_counts_them(world, client_for):
    report, evaluations = _open(world)
    first = evaluations[0]
    # 3999 characters for the browser's maxlength, 4018 as sent (19 line breaks as CRLF).
    text = "\r\n".join(["a" * 199] * 20)
    assert len(text.replace("\r\n", "\n")) <= 4000 < len(text)
    data = _texts(evaluations, **{f"e{first.pk}_worked": text})
    response = client_for("referent_a").post(_url("semester_evaluate", report), data)
    assert response.status_code == 302
    with scopes_disabled():
        first.refresh_from_db()
    assert first.worked == text.replace("\r\n", "\n")


def test_too_long_names_the_objective(world, client_for):
    report, evaluations = _open(world)
    first = evaluations[0]
    data = _texts(evaluations, **{f"e{first.pk}_next_steps": "b" * 4001})
    response = client_for("referent_a").post(_url("semester_evaluate", report), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"« {first.title} » : au plus 4000 caractères" in html.replace("&#x27;", "'")
    assert "b" * 4001 in html


# --- Send back, validate, notifications -------------------------------------------------


def test_direction_sends_back_with_a_comment_and_everyone_is_told(
    world, client_for, django_capture_on_commit_callbacks
):
    report, evaluations = _open(world)
    referent = client_for("referent_a")
    referent.post(_url("semester_evaluate", report), _texts(evaluations))
    direction = client_for("direction_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = direction.post(
            _url("semester_send_back", report), {"comment": "Détaillez les obstacles.\r\nMerci."}
        )
    assert response.status_code == 302
    with scopes_disabled():
        report.refresh_from_db()
        event = ReportEvent.objects.get(report=report)
    assert report.status == ReportStatus.SENT_BACK and report.is_draft
    assert event.kind == ReportEventKind.SENT_BACK and event.by_user == world.users["direction_a"]
    assert event.comment == "Détaillez les obstacles.\nMerci."
    told = {m.to[0] for m in mail.outbox}
    assert {world.users["referent_a"].email, world.users["direction_a"].email} <= told
    assert world.users["referent_b"].email not in told
    assert Notification.objects.filter(user=world.users["referent_a"]).exists()
    assert any("renvoyé" in m.subject for m in mail.outbox)
    # The comment (free text) stays in the application, out of e-mails.
    assert not any("Détaillez" in m.body for m in mail.outbox)
    # The référent sees the comment and may write again; the direction may not send back twice.
    page = referent.get(_url("semester_detail", report)).content.decode()
    assert "Détaillez les obstacles." in page and "Renvoyé au référent" in page
    data = _texts(evaluations, summary="Revu après le renvoi.")
    assert referent.post(_url("semester_evaluate", report), data).status_code == 302
    assert direction.post(_url("semester_send_back", report), {"comment": "x"}).status_code == 400


def test_send_back_without_comment_is_refused_and_nothing_changes(world, client_for):
    report, _evaluations = _open(world)
    response = client_for("direction_a").post(_url("semester_send_back", report), {"comment": " "})
    assert response.status_code == 400
    assert "Dites au référent ce qu&#x27;il doit revoir." in response.content.decode()
    with scopes_disabled():
        report.refresh_from_db()
        assert report.status == ReportStatus.DRAFT and not ReportEvent.objects.exists()


def test_send_back_refused_to_the_referent_and_other_slsps(world, client_for):
    report, _evaluations = _open(world)
    url = _url("semester_send_back", report)
    for persona in ("referent_a", "accompagnateur_a", "referent_b", "coordinateur", "jury"):
        assert client_for(persona).post(url, {"comment": "Non."}).status_code == 404, persona
    assert client_for("anonymous").post(url, {"comment": "Non."}).status_code == 302
    with scopes_disabled():
        report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_validation_page_warns_about_empty_parts(world, client_for):
    report, evaluations = _open(world)
    data = _texts(evaluations, **{f"e{evaluations[0].pk}_obstacles": ""})
    client_for("referent_a").post(_url("semester_evaluate", report), data)
    page = client_for("direction_a").get(_url("semester_validate", report))
    assert page.status_code == 200
    html = page.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert "Attention : 1 partie(s) de l'évaluation sont vides" in html
    assert f"Partie vide : « {evaluations[0].title} » : Obstacles rencontrés" in html
    assert 'name="names_no_person"' in html
    with scopes_disabled():
        report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT  # GET has no effect


def test_validation_releases_only_when_confirmed_and_no_name(
    world, client_for, django_capture_on_commit_callbacks
):
    report, evaluations = _open(world)
    client_for("referent_a").post(_url("semester_evaluate", report), _texts(evaluations))
    # A name slipped in after the text was checked (a household added since): refused.
    with scopes_disabled():
        ItemEvaluation.objects.filter(pk=evaluations[1].pk).update(next_steps="Revoir Oukacha.")
    direction = client_for("direction_a")
    response = direction.post(_url("semester_validate", report), {"names_no_person": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Oukacha" in html and evaluations[1].title in html
    with scopes_disabled():
        report.refresh_from_db()
        assert report.status == ReportStatus.DRAFT and report.released_at is None
        ItemEvaluation.objects.filter(pk=evaluations[1].pk).update(next_steps="Revoir.")
    with django_capture_on_commit_callbacks(execute=True):
        response = direction.post(_url("semester_validate", report), {"names_no_person": "on"})
    assert response.status_code == 302
    with scopes_disabled():
        report.refresh_from_db()
        kinds = set(ReportEvent.objects.filter(report=report).values_list("kind", flat=True))
    assert report.status == ReportStatus.VALIDATED and report.is_released
    assert kinds == {ReportEventKind.VALIDATED, ReportEventKind.RELEASED}
    assert any("validé" in m.subject for m in mail.outbox)


def test_validation_without_the_checkbox_is_not_released(world, client_for):
    report, evaluations = _open(world)
    client_for("referent_a").post(_url("semester_evaluate", report), _texts(evaluations))
    assert client_for("direction_a").post(_url("semester_validate", report)).status_code == 302
    with scopes_disabled():
        report.refresh_from_db()
    assert report.status == ReportStatus.VALIDATED and not report.is_released


def test_a_finished_build_tells_the_staff(world, django_capture_on_commit_callbacks):
    report, _evaluations = _open(world)
    with scope(slsp=[world.slsp_a.pk]):
        with django_capture_on_commit_callbacks(execute=True):
            build = services.request_build(report, world.users["referent_a"])
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            build = services.run_build(build.pk)
    assert build.status == BuildStatus.READY
    told = {m.to[0] for m in mail.outbox}
    assert {world.users["referent_a"].email, world.users["direction_a"].email} <= told
    assert all("PDF du rapport" in m.subject for m in mail.outbox)


# --- PDFs and the build's status ------------------------------------------------------


def test_validated_pdf_offered_by_default_drafts_collapsed(world, client_for):
    report, evaluations = _open(world)
    with scope(slsp=[world.slsp_a.pk]):
        draft_build = services.request_build(report, None)
        services.run_build(draft_build.pk)
    client_for("referent_a").post(_url("semester_evaluate", report), _texts(evaluations))
    client_for("direction_a").post(_url("semester_validate", report))
    with scope(slsp=[world.slsp_a.pk]):
        final = ReportBuild.objects.filter(status=BuildStatus.QUEUED).get()
        services.run_build(final.pk)
        final.refresh_from_db()
    html = client_for("referent_a").get(_url("semester_detail", report)).content.decode()
    offered = html.index("Télécharger le PDF validé")
    drafts = html.index('<details class="pdf-drafts">')
    final_link = reverse("reports:build_download", kwargs={"uuid": final.uuid})
    draft_link = reverse("reports:build_download", kwargs={"uuid": draft_build.uuid})
    assert html.index(final_link) < drafts < html.index(draft_link)
    assert offered < drafts
    # The checksum is behind a <details>, not in the way.
    assert re.search(r"<details[^>]*>\s*<summary>[^<]*SHA-256[^<]*</summary>\s*<code", html)


def test_the_pdf_of_a_draft_says_projet(world):
    from io import BytesIO

    from pypdf import PdfReader

    report, _evaluations = _open(world)
    with scope(slsp=[world.slsp_a.pk]):
        pdf = documents.semester_pdf(services.refresh_indicators(report))
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "PROJET" in text


@pytest.mark.parametrize(
    ("status", "done", "total", "progress", "expected"),
    [
        (BuildStatus.QUEUED, 0, 0, 0, "En attente"),
        (BuildStatus.BUILDING, 3, 5, 53, "En cours de construction — 3 / 5 SLSP"),
        (BuildStatus.BUILDING, 68, 68, 90, "En cours de construction — 68 / 68 SLSP"),
    ],
)
def test_build_status_text_agrees_with_its_bar(
    world, client_for, status, done, total, progress, expected
):
    """The page's status line and the poll's answer come from the same row; the JS sets the
    status line from the poll's `text`, so no second status ('En attente 0 / 0') stays
    behind while the bar moves."""
    report = RegionalReport.objects.create(
        year=2025, semester=1, status=status, slsps_done=done, slsp_count=total, progress=progress
    )
    client = client_for("coordinateur")
    page = client.get(reverse("reports:regional_detail", kwargs={"uuid": report.uuid}))
    poll = client.get(reverse("reports:regional_progress", kwargs={"uuid": report.uuid})).json()
    html = page.content.decode()
    shown = re.findall(r"<span data-progress-status>([^<]*)</span>", html)
    assert shown == [poll["text"]] == [expected]
    assert f'value="{poll["progress"]}"' in html and poll["progress"] == progress
    # No other status text on the page that the poll would leave behind.
    assert "0 / 0" not in html and html.count("En attente") == (1 if status == "queued" else 0)


# --- The SWL reads the released evaluation from the drill-down -------------------------


def test_drill_down_shows_only_the_released_evaluation(world, client_for):
    report, evaluations = _open(world)
    texts = _texts(evaluations, summary="Synthèse pour la SWL.")
    client_for("referent_a").post(_url("semester_evaluate", report), texts)
    coordinator = client_for("coordinateur")
    url = reverse("reports:slsp_overview", kwargs={"uuid": world.slsp_a.uuid})
    network = reverse("referrals:network_slsp", kwargs={"uuid": world.slsp_a.uuid})
    html = coordinator.get(url).content.decode()
    assert "Synthèse pour la SWL." not in html and "Aucune évaluation transmise" in html
    assert network in html and coordinator.get(network).status_code == 200
    # Validated without the confirmation: still not released.
    client_for("direction_a").post(_url("semester_validate", report))
    assert "Synthèse pour la SWL." not in coordinator.get(url).content.decode()
    # Released: every objective's three texts, and nothing of another SLSP.
    with scope(slsp=[world.slsp_a.pk]):
        draft = services.new_version(report, world.users["referent_a"])
        items = list(draft.evaluations.order_by("pk"))
    texts = _texts(items, summary="Version 2 pour la SWL.")
    client_for("referent_a").post(_url("semester_evaluate", draft), texts)
    client_for("direction_a").post(_url("semester_validate", draft), {"names_no_person": "on"})
    html = coordinator.get(url).content.decode()
    assert "Version 2 pour la SWL." in html and "version 2" in html
    for e in evaluations:
        assert e.title in html
    assert html.count("Peu de disponibilité des partenaires.") == len(evaluations)
    other = reverse("reports:slsp_overview", kwargs={"uuid": world.slsp_b.uuid})
    assert "Version 2 pour la SWL." not in coordinator.get(other).content.decode()


def test_drill_down_query_count_does_not_grow_with_objectives(
    world, client_for, django_assert_max_num_queries
):
    report, evaluations = _open(world)
    client_for("referent_a").post(_url("semester_evaluate", report), _texts(evaluations))
    client_for("direction_a").post(_url("semester_validate", report), {"names_no_person": "on"})
    coordinator = client_for("coordinateur")
    url = reverse("reports:slsp_overview", kwargs={"uuid": world.slsp_a.uuid})
    coordinator.get(url)
    with django_assert_max_num_queries(40) as captured:
        coordinator.get(url)
    before = len(captured)
    with scopes_disabled():
        for n in range(5):
            ItemEvaluation.objects.create(
                slsp=world.slsp_a, report=report, kind="objectif", title=f"Objectif {n}", order=9
            )
    with django_assert_max_num_queries(before):
        html = coordinator.get(url).content.decode()
    assert "Objectif 4" in html
