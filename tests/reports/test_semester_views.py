"""The référent asks for a report, writes the evaluation; the direction validates; versions;
bad input; query counts; the coordinator's pages hold no tenant name."""

import io

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from apps.reports import services
from apps.reports.models import (
    BuildStatus,
    ItemEvaluation,
    RegionalReport,
    ReportBuild,
    ReportStatus,
    SemesterReport,
)
from tests.reports.factories import SEMESTER, TENANT_NAMES, YEAR, make_activity

pytestmark = pytest.mark.django_db


def _report(world):
    with scopes_disabled():
        return SemesterReport.objects.get(
            slsp=world.slsp_a, year=YEAR, semester=SEMESTER, version=1
        )


def test_full_flow_request_evaluate_validate_new_version(world, client_for):
    make_activity(world.slsp_a, world.users["referent_a"])
    referent = client_for("referent_a")
    response = referent.post(
        reverse("reports:semester_request"),
        {"slsp": world.slsp_a.pk, "year": YEAR, "semester": SEMESTER},
    )
    report = _report(world)
    assert response.status_code == 302 and response["Location"].endswith(f"{report.uuid}/")
    # Asking again opens the same report and the same queued build.
    referent.post(
        reverse("reports:semester_request"),
        {"slsp": world.slsp_a.pk, "year": YEAR, "semester": SEMESTER},
    )
    with scopes_disabled():
        assert SemesterReport.objects.count() == 1
        assert ReportBuild.objects.filter(report=report).count() == 1
        build = ReportBuild.objects.get(report=report)
        evaluations = list(report.evaluations.all())
    assert {e.title for e in evaluations} == {
        "Impayés au-delà de 1 000 euros",
        "Accueillir chaque nouveau ménage",
    }
    page = referent.get(reverse("reports:semester_detail", kwargs={"uuid": report.uuid}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-progress-url" in html and "Accueillir chaque nouveau ménage" in html

    # The worker's job, run here: the page then offers the PDF.
    with scope(slsp=[world.slsp_a.pk]):
        services.run_build(build.pk)
    data = {"summary": "Bon semestre."}
    for e in evaluations:
        data[f"e{e.pk}_worked"] = f"Ça a marché : {e.title}"
        data[f"e{e.pk}_obstacles"] = "Peu de temps"
        data[f"e{e.pk}_next_steps"] = "Continuer"
    response = referent.post(
        reverse("reports:semester_evaluate", kwargs={"uuid": report.uuid}), data
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert ItemEvaluation.objects.filter(report=report, obstacles="Peu de temps").count() == 2

    # The référent cannot validate; the direction can.
    url = reverse("reports:semester_validate", kwargs={"uuid": report.uuid})
    assert referent.post(url).status_code == 404
    assert client_for("direction_a").post(url).status_code == 302
    with scopes_disabled():
        report.refresh_from_db()
        assert report.status == ReportStatus.VALIDATED and report.indicators["moments_total"] == 3
        frozen = dict(report.indicators)
    # Frozen: later activity or texts change nothing in this version.
    response = referent.post(
        reverse("reports:semester_evaluate", kwargs={"uuid": report.uuid}), {"summary": "Changé"}
    )
    with scopes_disabled():
        report.refresh_from_db()
    assert report.summary == "Bon semestre." and report.indicators == frozen
    # A new version starts from the validated texts.
    response = referent.post(reverse("reports:semester_new_version", kwargs={"uuid": report.uuid}))
    with scopes_disabled():
        draft = SemesterReport.objects.get(slsp=world.slsp_a, version=2)
        assert draft.status == ReportStatus.DRAFT and draft.summary == "Bon semestre."
        assert draft.evaluations.filter(obstacles="Peu de temps").count() == 2
    assert response["Location"].endswith(f"{draft.uuid}/")
    # The validated version's PDF, the draft's earlier PDF: both kept and downloadable.
    with scope(slsp=[world.slsp_a.pk]):
        for b in ReportBuild.objects.filter(report=report, status=BuildStatus.QUEUED):
            services.run_build(b.pk)
        ready = list(ReportBuild.objects.filter(report=report, status=BuildStatus.READY))
    assert len(ready) == 2
    for b in ready:
        response = referent.get(reverse("reports:build_download", kwargs={"uuid": b.uuid}))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        body = b"".join(response.streaming_content)
        assert PdfReader(io.BytesIO(body)).pages


def test_tampered_pdf_is_not_served(world, client_for):
    with scope(slsp=[world.slsp_a.pk]):
        report, _ = services.open_report(world.slsp_a, YEAR, SEMESTER, world.users["referent_a"])
        build = services.run_build(services.request_build(report, None).pk)
        with open(build.pdf.path, "ab") as handle:
            handle.write(b"tampered")
    url = reverse("reports:build_download", kwargs={"uuid": build.uuid})
    assert client_for("referent_a").get(url).status_code == 404


@pytest.mark.parametrize(
    "data, message",
    [
        ({"year": "abc", "semester": 1}, "Saisissez un nombre entier."),
        ({"year": 2010, "semester": 1}, "supérieure ou égale à 2011"),
        ({"year": 2099, "semester": 2}, "Ce semestre n&#x27;a pas encore commencé."),
        ({"year": 2025, "semester": 3}, "Sélectionnez un choix valide"),
        (
            {"year": 2025, "semester": 1, "slsp": "x"},
            "Vous n&#x27;êtes pas référent de cette SLSP.",
        ),
    ],
)
def test_bad_request_input_gives_a_french_message_and_creates_nothing(
    world, client_for, data, message
):
    data = {"slsp": world.slsp_a.pk, **data}
    response = client_for("referent_a").post(reverse("reports:semester_request"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    with scopes_disabled():
        assert not SemesterReport.objects.exists() and not ReportBuild.objects.exists()


def test_another_slsps_referent_cannot_ask_for_its_report(world, client_for):
    response = client_for("referent_b").post(
        reverse("reports:semester_request"),
        {"slsp": world.slsp_a.pk, "year": YEAR, "semester": SEMESTER},
    )
    assert response.status_code == 200
    assert "Vous n&#x27;êtes pas référent de cette SLSP." in response.content.decode()
    with scopes_disabled():
        assert not SemesterReport.objects.exists()


def test_too_long_evaluation_is_refused_and_nothing_saved(world, client_for):
    make_activity(world.slsp_a, world.users["referent_a"])
    with scope(slsp=[world.slsp_a.pk]):
        report, _ = services.open_report(world.slsp_a, YEAR, SEMESTER, world.users["referent_a"])
        e = report.evaluations.first()
    response = client_for("referent_a").post(
        reverse("reports:semester_evaluate", kwargs={"uuid": report.uuid}),
        {"summary": "Nouveau", f"e{e.pk}_worked": "x" * 5000},
    )
    # The page comes back with what was typed and the refusal naming the objective.
    assert response.status_code == 400
    html = response.content.decode()
    assert "au plus 4000 caractères" in html and "x" * 5000 in html and "Nouveau" in html
    with scopes_disabled():
        report.refresh_from_db()
        assert report.summary == "" and not ItemEvaluation.objects.exclude(worked="").exists()


def test_validating_an_empty_evaluation_is_refused(world, client_for):
    with scope(slsp=[world.slsp_a.pk]):
        report, _ = services.open_report(world.slsp_a, YEAR, SEMESTER, world.users["referent_a"])
    response = client_for("direction_a").post(
        reverse("reports:semester_validate", kwargs={"uuid": report.uuid}), follow=True
    )
    assert "L&#x27;évaluation est vide" in response.content.decode()
    with scopes_disabled():
        report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_detail_and_list_query_counts_do_not_grow_with_rows(world, client_for):
    client = client_for("referent_a")
    make_activity(world.slsp_a, world.users["referent_a"])
    counts = []
    for scale in (1, 3):  # builds of the report, and other reports in the list
        with scopes_disabled():
            SemesterReport.objects.all().delete()
        with scope(slsp=[world.slsp_a.pk]):
            report, _ = services.open_report(
                world.slsp_a, YEAR, SEMESTER, world.users["referent_a"]
            )
            for _ in range(scale):
                services.run_build(ReportBuild.objects.create(slsp=world.slsp_a, report=report).pk)
            for year in range(2015, 2015 + scale):
                SemesterReport.objects.create(slsp=world.slsp_a, year=year, semester=1)
        counts.append(
            (
                _queries(client, reverse("reports:semester_detail", kwargs={"uuid": report.uuid})),
                _queries(client, reverse("reports:semester_list")),
            )
        )
    assert counts[0] == counts[1], counts


def test_home_notice_after_the_semester_ends(world, client_for):
    from apps.core.periods import Semester

    period = Semester.last_ended()
    year, semester = period.year, period.half
    with scope(slsp=[world.slsp_a.pk]):
        services.open_report(world.slsp_a, year, semester, None)
    html = client_for("referent_a").get(reverse("core:home")).content.decode()
    assert f"Évaluation semestrielle S{semester} {year}" in html
    assert "Ouvrir le rapport" in html
    other = client_for("referent_b").get(reverse("core:home")).content.decode()
    assert "Ouvrir le rapport" not in other


def test_beat_task_drafts_every_slsp_once(world):
    from apps.reports.tasks import build_semester_drafts

    assert build_semester_drafts.run(YEAR, SEMESTER) == 2
    assert build_semester_drafts.run(YEAR, SEMESTER) == 2  # same drafts, same queued builds
    with scopes_disabled():
        assert SemesterReport.objects.count() == 2
        assert ReportBuild.objects.count() == 2


def test_beat_schedule_runs_the_day_after_each_semester(settings):
    import datetime

    entry = settings.CELERY_BEAT_SCHEDULE["reports-semester-drafts"]
    assert entry["task"] == "reports.build_semester_drafts"
    schedule = entry["schedule"]
    assert schedule.month_of_year == {1, 7} and schedule.day_of_month == {1}
    from apps.core.periods import Semester

    assert Semester.last_ended(datetime.date(2026, 7, 1)) == Semester(2026, 1)


def test_coordinator_pages_and_regional_pdf_hold_no_tenant_name(world, client_for):
    from apps.reports import regional_report

    make_activity(world.slsp_a, world.users["referent_a"], scale=2)
    coordinator = client_for("coordinateur")
    report = regional_report.request(YEAR, SEMESTER, world.users["coordinateur"])
    plan = regional_report.start(report.pk)
    results = []
    for slsp_id in plan[2]:
        with scope(slsp=[slsp_id]):
            results.append(regional_report.slsp_figures(report.pk, slsp_id, YEAR, SEMESTER))
    with scopes_disabled():
        regional_report.assemble(report.pk, results)
    report.refresh_from_db()
    pages = [
        reverse("reports:regional_list"),
        reverse("reports:regional_detail", kwargs={"uuid": report.uuid}),
        reverse("reports:region"),
        reverse("reports:slsp_overview", kwargs={"uuid": world.slsp_a.uuid}),
    ]
    download = coordinator.get(reverse("reports:regional_download", kwargs={"uuid": report.uuid}))
    assert download["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    texts = ["\n".join(p.extract_text() for p in reader.pages)]
    texts += [coordinator.get(url).content.decode() for url in pages]
    for text in texts:
        for name in TENANT_NAMES:
            assert name not in text
    # The coordinator has no access to an SLSP's own report.
    with scope(slsp=[world.slsp_a.pk]):
        own, _ = services.open_report(world.slsp_a, YEAR, SEMESTER, None)
    assert (
        coordinator.get(reverse("reports:semester_detail", kwargs={"uuid": own.uuid})).status_code
        == 404
    )


def test_regional_request_bad_input(world, client_for):
    response = client_for("coordinateur").post(
        reverse("reports:regional_request"), {"year": "", "semester": 9}
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not RegionalReport.objects.exists()


def test_builds_left_queued_while_redis_was_down_are_sent_again(
    world, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    with scope(slsp=[world.slsp_a.pk]):
        report, _ = services.open_report(world.slsp_a, YEAR, SEMESTER, None)
        old = ReportBuild.objects.create(slsp=world.slsp_a, report=report)
        ReportBuild.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - datetime.timedelta(minutes=3)
        )
    with scopes_disabled(), django_capture_on_commit_callbacks() as callbacks:
        assert services.requeue_stalled() == 1
    assert len(callbacks) == 1  # one send, after commit (not run here: no broker needed)
    with scopes_disabled():
        ReportBuild.objects.filter(pk=old.pk).update(status=BuildStatus.READY)
        assert services.requeue_stalled() == 0


def test_hostile_input_to_the_report_forms_never_answers_5xx(world, client_for):
    """The report forms post to their own action URLs, outside the generic form fuzzer."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    with scope(slsp=[world.slsp_a.pk]):
        report, _ = services.open_report(world.slsp_a, 2024, 2, None)
    client = client_for("referent_a")
    coordinator = client_for("coordinateur")
    value = st.one_of(
        st.text(max_size=60), st.integers(-(10**12), 10**12).map(str), st.just("\x00"), st.just("")
    )

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(year=value, semester=value, slsp=value, summary=st.text(max_size=6000))
    def run(year, semester, slsp, summary):
        with scopes_disabled():
            before = SemesterReport.objects.count(), ReportBuild.objects.count()
        response = client.post(
            reverse("reports:semester_request"), {"year": year, "semester": semester, "slsp": slsp}
        )
        assert response.status_code < 500
        if response.status_code == 200:  # refused: nothing made
            with scopes_disabled():
                assert (SemesterReport.objects.count(), ReportBuild.objects.count()) == before
        response = client.post(
            reverse("reports:semester_evaluate", kwargs={"uuid": report.uuid}), {"summary": summary}
        )
        assert response.status_code < 500
        response = coordinator.post(
            reverse("reports:regional_request"), {"year": year, "semester": semester}
        )
        assert response.status_code < 500

    run()


def test_report_list_pages_through_the_versions(world, client_for):
    """Thirty reports a page, newest semester first within an SLSP."""
    with scope(slsp=[world.slsp_a.pk]):
        for year in range(2000, 2016):
            for semester in (1, 2):
                SemesterReport.objects.create(slsp=world.slsp_a, year=year, semester=semester)
    client = client_for("referent_a")
    url = reverse("reports:semester_list")

    def rows(**params):
        html = client.get(url, params).content.decode()
        return [row.split("</tr>")[0] for row in html.split("<tr><td>")[1:]], html

    first, html = rows()
    second, _ = rows(page=2)
    assert "Page 1 sur 2" in html
    assert len(first) == 30 and len(second) == 2
    assert "S2 2015" in first[0] and "S1 2000" in second[-1]
    assert rows(page="x")[0] == first and rows(page=9)[0] == second
