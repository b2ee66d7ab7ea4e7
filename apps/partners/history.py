"""The change history of a partner and its contacts, as shown on the partner's page.

The events are written by PostgreSQL triggers (django-pghistory, see models.py); this
module only reads them and turns consecutive snapshots into "field: before → after".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import (
    BigIntegerField,
    CharField,
    Field,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Trim
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pghistory.models import Context

from apps.partners.models import (
    CONTACT_HISTORY_FIELDS,
    PARTNER_HISTORY_FIELDS,
    Partner,
    PartnerContact,
    PartnerType,
)

# The newest changes shown on the page (the admin keeps the whole history).
HISTORY_LIMIT = 100

ACTION_LABELS = {
    "insert": gettext_lazy("Création"),
    "update": gettext_lazy("Modification"),
    "delete": gettext_lazy("Suppression"),
}


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class HistoryRow:
    at: datetime.datetime
    user: str
    subject: str
    action: str
    changes: list[Change] = field(default_factory=list)


def _event_models() -> tuple[type[Model], type[Model]]:
    return (
        apps.get_model("partners", "PartnerHistory"),
        apps.get_model("partners", "PartnerContactHistory"),
    )


def _text(value: Any, names: dict[str, dict], name: str) -> str:
    if name == "slsp" and value is None:
        return _("annuaire régional")
    if value in (None, "", []):
        return "—"
    if name == "type":
        return str(PartnerType(value).label) if value in PartnerType.values else str(value)
    if name in ("partner", "slsp"):
        return names[name].get(value) or f"#{value}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def concrete_field(model: type[Model], name: str) -> Field[Any, Any]:
    """The model's own field `name` (`get_field` may also answer a reverse relation)."""
    found = model._meta.get_field(name)
    if not isinstance(found, Field):
        raise TypeError(f"{model.__name__}.{name} is a reverse relation, not a field")
    return found


def _diff(
    model: type[Model], fields: list[str], previous: Any, event: Any, names: dict[str, dict]
) -> list[Change]:
    changes = []
    for name in fields:
        attname = concrete_field(model, name).attname
        before = getattr(previous, attname) if previous is not None else None
        after = getattr(event, attname) if event.pgh_label != "delete" else None
        if event.pgh_label == "delete":
            continue
        if previous is not None and before == after:
            continue
        if previous is None and after in (None, "", []):
            continue
        label = str(concrete_field(model, name).verbose_name)
        if name == "slsp":
            label = _("propriétaire")
        changes.append(
            Change(
                label=label[:1].upper() + label[1:],
                before=_text(before, names, name) if previous is not None else "—",
                after=_text(after, names, name),
            )
        )
    return changes


def _with_author(events: QuerySet) -> QuerySet:
    """Events with the name of the person who made each change (pghistory context)."""
    label = Coalesce(
        NullIf(Trim(Concat("first_name", Value(" "), "last_name")), Value("")),
        "email",
        output_field=CharField(),
    )
    user_of_context = (
        Context.objects.filter(pk=OuterRef("pgh_context_id"))
        .annotate(user_pk=Cast(KT("metadata__user"), BigIntegerField()))
        .values("user_pk")[:1]
    )
    return events.annotate(author_pk=Subquery(user_of_context)).annotate(
        author=Subquery(
            get_user_model()
            .objects.filter(pk=OuterRef("author_pk"))
            .annotate(label=label)
            .values("label")[:1]
        )
    )


def partner_history(user: Any, partner: Partner) -> list[HistoryRow]:
    """Changes of the partner and of the contacts the user may read, newest first.

    Two queries (events of the partner, of its contacts, each with the names of the
    people, SLSPs and partners they mention), whatever the number of events.
    """
    from apps.slsps.models import Slsp

    partner_events_model, contact_events_model = _event_models()
    partner_events = list(
        _with_author(partner_events_model._default_manager.filter(pgh_obj_id=partner.pk)).order_by(
            "pgh_id"
        )
    )
    # A contact moved here by a merge brings its earlier events; another SLSP's own
    # contacts stay out of sight, like the contacts themselves.
    visible = Q(slsp__isnull=True) | Q(slsp_id__in=user.slsp_ids())
    contact_ids = contact_events_model._default_manager.filter(partner_id=partner.pk).values(
        "pgh_obj_id"
    )
    contact_events = list(
        _with_author(
            contact_events_model._default_manager.filter(visible, pgh_obj_id__in=contact_ids)
        )
        .annotate(
            slsp_name=Subquery(
                Slsp.objects.filter(pk=OuterRef("slsp_id"))
                .annotate(label=Coalesce(NullIf("short_name", Value("")), "official_name"))
                .values("label")[:1]
            ),
            partner_name=Subquery(
                Partner.objects.filter(pk=OuterRef("partner_id")).values("name")[:1]
            ),
        )
        .order_by("pgh_id")
    )
    rows = []
    for events, model, fields, subject in (
        (partner_events, Partner, PARTNER_HISTORY_FIELDS, lambda e: _("Partenaire")),
        (
            contact_events,
            PartnerContact,
            CONTACT_HISTORY_FIELDS,
            lambda e: _("Contact : %(name)s") % {"name": e.name},
        ),
    ):
        previous_of: dict[int, Any] = {}
        for event in events:
            previous = previous_of.get(event.pgh_obj_id)
            names = {
                "slsp": {
                    getattr(e, "slsp_id", None): getattr(e, "slsp_name", "")
                    for e in (event, previous)
                    if e is not None
                },
                "partner": {
                    getattr(e, "partner_id", None): getattr(e, "partner_name", "")
                    for e in (event, previous)
                    if e is not None
                },
            }
            changes = _diff(model, fields, previous, event, names)
            previous_of[event.pgh_obj_id] = event
            if event.pgh_label == "update" and not changes:
                continue  # only untracked fields (dates of change) moved
            rows.append(
                HistoryRow(
                    at=event.pgh_created_at,
                    user=event.author or _("système"),
                    subject=subject(event),
                    action=str(ACTION_LABELS.get(event.pgh_label, event.pgh_label)),
                    changes=changes,
                )
            )
    rows.sort(key=lambda r: r.at, reverse=True)
    return rows[:HISTORY_LIMIT]
