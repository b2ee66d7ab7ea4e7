"""Every model holding one SLSP's data is scoped (deny by default), through one base.

`apps.core.models.SlspScopedModel` / `SlspOwnedModel` carry the SLSP link and the scoped
manager that the models used to declare one by one; a model linked to an SLSP that
forgets them would be readable across SLSPs by any query that omits the filter.
"""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django_scopes.exceptions import ScopeError

from apps.core.models import SlspOwnedModel, SlspScopedModel, TimestampedModel, UuidModel

# Apps whose SLSP data inherit the abstract base (the others keep their own declarations
# for now, but must still be scoped unless listed below).
BASE_APPS = {"tenants", "partners", "calls", "slsps", "reports", "privacy"}

# Linked to an SLSP on purpose without the scoped manager, and why.
NOT_SCOPED = {
    "accounts.Membership": "roles, read by the permission layer; regional roles have no SLSP",
    "accounts.AccessLog": "append-only read log across SLSPs, read through its queries",
    "slsps.Attendance": "regional network data of the SWL, read through queries.py",
    "slsps.GoodPracticeSheet": "the référents' shared library, read across SLSPs",
    "partners.PartnerContact": "regional directory; an SLSP's copies filtered by queries",
    "calls.Dossier": "several SLSPs at once: scoped on applicants__slsp",
    "accompaniment.MomentMonth": "aggregates per SLSP and month, no household",
    "api.ServiceAccount": "credentials looked up before any scope; its SLSP opens the scope",
}

SCOPE_PROBE = 424242


def _slsp_models() -> list[type[models.Model]]:
    """Concrete models with a foreign key to the SLSP (history event tables aside)."""
    found = []
    for model in apps.get_models():
        if getattr(model, "pgh_tracked_model", None) is not None:
            continue  # trigger-written history, read through the tracked model's rules
        for field in model._meta.get_fields():
            if (
                field.many_to_one
                and not field.auto_created
                and field.related_model._meta.label == "slsps.Slsp"
            ):
                found.append(model)
                break
    return found


def test_the_list_of_unscoped_models_is_current() -> None:
    labels = {m._meta.label for m in _slsp_models()}
    assert set(NOT_SCOPED) <= labels, set(NOT_SCOPED) - labels


@pytest.mark.parametrize("model", _slsp_models(), ids=lambda m: m._meta.label)
def test_every_model_linked_to_an_slsp_is_scoped(model: type[models.Model]) -> None:
    label = model._meta.label
    if label in NOT_SCOPED:
        return
    manager = model._default_manager
    assert hasattr(manager, "with_scope"), f"{label}: default manager is not scoped"
    # No SLSP in the scope: the query refuses to run.
    with pytest.raises(ScopeError):
        manager.with_scope().count()
    if model._meta.app_label in BASE_APPS:
        assert issubclass(model, SlspScopedModel), f"{label}: use apps.core.models.SlspScopedModel"


@pytest.mark.parametrize(
    "model",
    [m for m in apps.get_models() if issubclass(m, SlspScopedModel)],
    ids=lambda m: m._meta.label,
)
def test_scoped_models_filter_on_their_own_slsp_column(model: type[models.Model]) -> None:
    field = model._meta.get_field("slsp")
    assert field.remote_field.model._meta.label == "slsps.Slsp"
    assert not field.null, f"{model._meta.label}: an SLSP's row always has its SLSP"
    sql = str(model._default_manager.with_scope(slsp=SCOPE_PROBE).all().query)
    assert f'"{model._meta.db_table}"."slsp_id" = {SCOPE_PROBE}' in sql, sql


def test_the_bases_declare_what_the_models_declared() -> None:
    uuid = UuidModel._meta.get_field("uuid")
    assert (uuid.unique, uuid.editable, uuid.has_default()) == (True, False, True)
    slsp = SlspOwnedModel._meta.get_field("slsp")
    assert (slsp.remote_field.on_delete, slsp.remote_field.related_name) == (
        models.CASCADE,
        "+",
    )
    created = TimestampedModel._meta.get_field("created_at")
    updated = TimestampedModel._meta.get_field("updated_at")
    assert created.auto_now_add and updated.auto_now
    assert all(m._meta.abstract for m in (UuidModel, SlspScopedModel, SlspOwnedModel))


@pytest.mark.django_db
def test_the_bases_changed_no_schema() -> None:
    # The abstract bases only gather declarations: no migration may follow from them.
    call_command("makemigrations", *sorted(BASE_APPS), "core", check=True, dry_run=True)
