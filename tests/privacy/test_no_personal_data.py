"""No personal data outside the database: Celery arguments and results
carry ids only, logs never carry names or notes, task results expire."""

from __future__ import annotations

import ast
import datetime
import inspect
import logging
import re
import types
import typing
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.tenants import importer
from apps.tenants.models import Household
from tests.referrals.factories import make_network_partner

ROOT = Path(settings.BASE_DIR)
TODAY = datetime.date.today()
ID_LIKE = re.compile(r"(^|_)(id|ids|pk|uuid|token|year|semester|one|value)$")


def project_tasks():
    from slsp_referent.celery import app

    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def _allowed(annotation) -> bool:
    if annotation in (int, str, bool):
        return True
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return all(a is type(None) or _allowed(a) for a in typing.get_args(annotation))
    return typing.get_origin(annotation) is list and all(
        _allowed(a) for a in typing.get_args(annotation)
    )


def test_every_task_takes_ids_only():
    tasks = project_tasks()
    assert "privacy.erase_expired_households" in tasks and len(tasks) >= 8
    for name, task in tasks.items():
        signature = inspect.signature(task.run)
        hints = typing.get_type_hints(task.run)
        for parameter in signature.parameters.values():
            if name == "reports.regional_assemble" and parameter.name == "results":
                continue  # a chord's callback: the results of regional_slsp_figures (counts)
            assert parameter.name in hints, f"{name}({parameter.name}) has no type"
            assert _allowed(hints[parameter.name]), f"{name}({parameter.name}: {hints})"
            assert ID_LIKE.search(parameter.name), f"{name}({parameter.name}) is not an id"
        returns = hints.get("return")
        assert returns in (int, str, dict, list[int], bool, type(None)), f"{name} -> {returns}"


def _task_calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in {"delay", "s", "si"}:
                yield node, list(node.args) + [k.value for k in node.keywords]
            elif node.func.attr == "apply_async":
                values = []
                for keyword in node.keywords:
                    if keyword.arg == "args" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                        values += keyword.value.elts
                    elif keyword.arg == "kwargs" and isinstance(keyword.value, ast.Dict):
                        values += keyword.value.values
                yield node, values


def _id_like(node) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int)
    if isinstance(node, ast.Name):
        return bool(ID_LIKE.search(node.id))
    if isinstance(node, ast.Attribute):
        return bool(ID_LIKE.search(node.attr))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str":
        return all(_id_like(a) for a in node.args)
    return False


def test_every_call_site_passes_ids_only():
    """Every .delay()/.s()/.apply_async() in the apps passes ints, pks, ids or UUIDs."""
    calls = 0
    for path in sorted((ROOT / "apps").rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node, values in _task_calls(tree):
            calls += 1
            for value in values:
                if isinstance(value, ast.Dict) or (
                    isinstance(value, ast.Constant) and isinstance(value.value, (bool, dict))
                ):
                    continue  # options such as retry_policy, not task arguments
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                assert _id_like(value), f"{where}: {ast.unparse(value)} is not an id"
    assert calls >= 4


def test_task_results_expire(settings):
    from slsp_referent.celery import app

    assert isinstance(settings.CELERY_RESULT_EXPIRES, datetime.timedelta)
    assert datetime.timedelta(0) < settings.CELERY_RESULT_EXPIRES <= datetime.timedelta(days=7)
    assert app.conf.result_expires == settings.CELERY_RESULT_EXPIRES
    task_id = str(uuid.uuid4())
    app.backend.store_result(task_id, 42, "SUCCESS")
    ttl = app.backend.client.ttl(app.backend.get_key_for_task(task_id))
    assert 0 < ttl <= settings.CELERY_RESULT_EXPIRES.total_seconds()


@pytest.mark.django_db
def test_main_flows_log_ids_never_names_or_notes(world, client_for, caplog):
    """Import, consent, follow-up, moment, break-glass read, referral, export and
    erasure, through the real views, at the production log level: no name, no note."""
    caplog.set_level(logging.INFO)
    client = client_for("referent_a")
    data = (ROOT / "fixtures/export-gestion-locative.csv").read_bytes()
    names = {r["nom"] for r in importer.read_rows(data, "x.csv")} | {
        r["prenom"] for r in importer.read_rows(data, "x.csv")
    }
    upload = client.post(
        reverse("tenants:import"),
        {
            "slsp": world.slsp_a.pk,
            "file": _upload(data),
        },
    )
    assert upload.status_code == 302
    applied = client.post(upload["Location"], {})
    assert applied.status_code == 302
    with scopes_disabled():
        household = Household.objects.filter(slsp=world.slsp_a).order_by("pk").first()
        assert household.members.exists()
    secrets = {
        "consent": "Accord recueilli devant la voisine Mme Quintard",
        "objective": "Régler la dette auprès de la Quintard",
        "note": "Madame évoque son licenciement chez Quintard",
        "sensitive": "Hospitalisation psychiatrique de Monsieur",
        "reason": "Réunion de concertation Quintard",
        "referral": "Guidance budgétaire demandée pour Quintard",
    }
    partner, _agreement = make_network_partner(world.slsp_a)
    page = reverse("tenants:household", kwargs={"uuid": household.uuid})
    client.get(page)
    client.post(
        reverse("accompaniment:consent_create", kwargs={"uuid": household.uuid}),
        {
            "consent-given_on": TODAY.isoformat(),
            "consent-covers_follow_up": "on",
            "consent-share_with": [partner.pk],
            "consent-note": secrets["consent"],
        },
    )
    client.post(
        reverse("accompaniment:follow_up_create", kwargs={"uuid": household.uuid}),
        {"followup-domains": ["impayes"], "followup-objective": secrets["objective"]},
    )
    with scopes_disabled():
        follow_up = household.follow_ups.get()
    client.post(
        reverse("accompaniment:moment_create", kwargs={"uuid": household.uuid}),
        {
            "moment-kind": "bureau",
            "moment-date": TODAY.isoformat(),
            "moment-duration_minutes": "30",
            "moment-note": secrets["note"],
            "moment-sensitivity": "sante",
            "moment-sensitive_note": secrets["sensitive"],
        },
    )
    with scopes_disabled():
        moment = household.moments.get()
        assert moment.sensitive_note == secrets["sensitive"]
    client.post(
        reverse("accompaniment:moment_sensitive", kwargs={"uuid": moment.uuid}),
        {"reason": secrets["reason"]},
    )
    created = client.post(
        reverse("referrals:referral_create", kwargs={"uuid": follow_up.uuid}),
        {"partner": partner.pk, "reason": secrets["referral"], "shared_data": ["identite"]},
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    exported = client.post(
        reverse("privacy:household_export", kwargs={"uuid": household.uuid}),
        {"format": "json", "reason": secrets["reason"], "include_sensitive": "on"},
    )
    assert secrets["sensitive"] in exported.content.decode()
    from apps.privacy import services

    services.erase_expired_households()
    assert caplog.records, "the flows log nothing at all: the test would prove nothing"
    leaks = []
    for record in caplog.records:
        text = (
            record.getMessage()
            + " "
            + " ".join(str(v) for k, v in vars(record).items() if k not in {"msg", "args"})
        )
        leaks += [s for s in secrets.values() if s in text]
        leaks += [n for n in names if len(n) > 3 and re.search(rf"\b{re.escape(n)}\b", text)]
    assert leaks == [], leaks


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("export.csv", data, content_type="text/csv")
