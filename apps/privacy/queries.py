"""Reads of the privacy app: the access log of the direction's SLSPs, and everything held
about one household (for the export)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.conf import settings
from django.db.models import Exists, F, Field, Max, Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accompaniment.models import (
    Attachment,
    Consent,
    ConsentWithdrawal,
    FollowUp,
    FollowUpReopening,
    Moment,
    MomentRevision,
    Objective,
)
from apps.accounts.models import AccessLog, Role, User
from apps.audit.models import TRACKED
from apps.core import formats
from apps.referrals.models import Referral, ReferralEvent, ReferralLinkUse
from apps.tenants.models import Household, ImportChange, Member, Tenancy

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class LastEnd(TypedDict):
    # Never null: only households with tenancies are due.
    last_end: datetime.date


def audited_slsp_ids(user: User) -> tuple[int, ...]:
    """SLSPs whose access log the user may read: those where they are the direction."""
    if not user.is_authenticated:
        return ()
    return user.slsp_ids(roles={Role.DIRECTION})


def access_log_for(user: User) -> QuerySet[AccessLog]:
    """Access log rows of the direction's SLSPs, with the household's label in the same query."""
    slsp_ids = audited_slsp_ids(user)
    if not slsp_ids:
        return AccessLog.objects.none()
    household = Household.objects.filter(pk=OuterRef("subject_household"))
    return (
        AccessLog.objects.filter(slsp_id__in=slsp_ids)
        .select_related("user")
        .annotate(
            household_uuid=Subquery(household.values("uuid")[:1]),
            household_reference=Subquery(household.values("reference")[:1]),
            household_name=Subquery(household.values("display_name")[:1]),
        )
    )


def log_users_for(user: User) -> QuerySet[User]:
    """People who may appear in the direction's access log: staff of its SLSPs."""
    slsp_ids = audited_slsp_ids(user)
    return (
        User.objects.filter(memberships__slsp_id__in=slsp_ids)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def households_matching(user: User, text: str) -> QuerySet[Household]:
    """Households of the audited SLSPs by UUID, reference or name (the filter's input)."""
    households = Household.objects.filter(slsp_id__in=audited_slsp_ids(user))
    text = text.strip()
    try:
        return households.filter(uuid=uuid.UUID(text))
    except ValueError:
        pass
    members = Member.objects.filter(household=OuterRef("pk")).filter(
        Q(last_name__icontains=text) | Q(first_name__icontains=text)
    )
    return households.filter(
        Q(reference__icontains=text) | Q(display_name__icontains=text) | Exists(members)
    )


# --- What is held about one household -------------------------------------


def referrals_of(household: Household) -> list[Referral]:
    return list(
        Referral.objects.filter(household=household)
        .select_related("partner", "agreement", "created_by", "follow_up")
        .prefetch_related(Prefetch("events", queryset=ReferralEvent.objects.order_by("at", "pk")))
        .order_by("proposed_at", "pk")
    )


def household_dossier(household: Household) -> dict[str, Any]:
    """Every row about the household, in a fixed number of queries whatever their count.

    Each model that holds rows about a household is read here, or named with the reason
    it is not in `apps.privacy.export.NOT_EXPORTED` (a test walks the models)."""
    objectives = Objective.objects.order_by("pk")
    withdrawals = ConsentWithdrawal.objects.select_related("partner", "recorded_by").order_by(
        "withdrawn_on", "pk"
    )
    reopenings = FollowUpReopening.objects.select_related("reopened_by").order_by(
        "reopened_at", "pk"
    )
    return {
        "household": household,
        "tenancies": list(
            Tenancy.objects.filter(household=household)
            .select_related("unit")
            .order_by("start_date")
        ),
        "members": list(Member.objects.filter(household=household).order_by("pk")),
        "consents": list(
            Consent.objects.filter(household=household)
            .select_related("recorded_by")
            .prefetch_related("share_with", Prefetch("withdrawals", queryset=withdrawals))
            .order_by("given_on", "pk")
        ),
        "follow_ups": list(
            FollowUp.objects.filter(household=household)
            .select_related("opened_by", "relocation_works")
            .prefetch_related(
                Prefetch("objectives", queryset=objectives),
                Prefetch("reopenings", queryset=reopenings),
            )
            .order_by("opened_on", "pk")
        ),
        "moments": list(
            # The text of sensitive notes is read only by apps.accompaniment.sensitive.
            Moment.objects.filter(household=household)
            .defer("sensitive_note")
            .select_related("author", "follow_up")
            .prefetch_related("partners")
            .order_by("date", "pk")
        ),
        "moment_revisions": list(
            MomentRevision.objects.filter(household=household)
            .select_related("by")
            .order_by("at", "pk")
        ),
        "attachments": list(
            Attachment.objects.filter(household=household)
            .select_related("uploaded_by")
            .annotate(
                consent_uuid=F("consent__uuid"),
                follow_up_uuid=F("follow_up__uuid"),
                moment_uuid=F("moment__uuid"),
            )
            .order_by("uploaded_at", "pk")
        ),
        "referrals": referrals_of(household),
        "link_uses": list(
            ReferralLinkUse.objects.filter(household=household)
            .annotate(referral_uuid=F("link__referral__uuid"))
            .order_by("at", "pk")
        ),
        "import_changes": list(
            ImportChange.objects.filter(household=household)
            .select_related("job")
            .order_by("job__created_at", "pk")
        ),
        "history": change_history(household),
        "access_log": list(
            AccessLog.objects.filter(subject_household=household.pk)
            .select_related("user")
            .order_by("at", "pk")
        ),
    }


class HistoryEvent(TypedDict):
    record: str  # "consent", "follow_up", "moment", "referral"
    record_uuid: str
    at: datetime.datetime
    event: str  # pghistory's label: "insert", "update", "delete"
    values: dict[str, str]  # field label → value as shown


# The record kind of each tracked model, and the path from its history to the household.
_HISTORY_OF = {
    Consent: ("consent", "household"),
    FollowUp: ("follow_up", "household"),
    Moment: ("moment", "household"),
    Referral: ("referral", "follow_up__household"),
}
# The export's subject: not repeated on each event.
_OMITTED_FIELDS = {"slsp", "household"}
# Links and lists declared without a French label on their models.
_FIELD_LABELS = {
    "recorded_by": _("enregistré par"),
    "opened_by": _("ouvert par"),
    "author": _("auteur"),
    "consent": _("consentement"),
    "follow_up": _("suivi"),
    "domains": _("domaines"),
    "partner": _("partenaire"),
    "agreement": _("convention"),
}


def _shown(field: Field[Any, Any], value: Any) -> str:
    """A stored value as the household reads it: labels for codes, dates in fr-BE."""
    if value is None or value == "":
        return formats.UNKNOWN
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    if isinstance(value, datetime.datetime):
        return formats.moment(value)
    if isinstance(value, datetime.date):
        return formats.day(value)
    if isinstance(value, Decimal):
        return formats.amount(value)
    choices = dict(getattr(field, "base_field", field).flatchoices or ())
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value) or formats.UNKNOWN
    return str(choices.get(value, value))


def _labels(model: type[Model], ids: set[int]) -> dict[int, str]:
    """People by name, other records by their UUID (ids mean nothing to the reader)."""
    if model is User:
        return {u.pk: u.get_full_name() or u.email for u in User.objects.filter(pk__in=ids)}
    return {
        pk: str(uuid_)
        for pk, uuid_ in model._default_manager.filter(pk__in=ids).values_list("pk", "uuid")
    }


def change_history(household: Household) -> list[HistoryEvent]:
    """The trigger-written change history (apps.audit) of the household's consents,
    follow-ups, moments and referrals: earlier values are data held too. A fixed number
    of queries: one per tracked model, one per kind of linked record. The history never
    holds a sensitive note's text (apps.audit refuses to track one)."""
    rows: list[tuple[str, dict[str, Any]]] = []
    fields: dict[tuple[str, str], Field[Any, Any]] = {}  # (record, column) → its field
    links: dict[str, type[Model]] = {}
    wanted: dict[type[Model], set[int]] = {}
    for model, (record, path) in _HISTORY_OF.items():
        history = cast("type[Model]", model._meta.get_field("history").related_model)
        columns = []
        for name in TRACKED[model]:
            if name in _OMITTED_FIELDS:
                continue
            field = cast("Field[Any, Any]", history._meta.get_field(name))
            fields[record, field.attname] = field
            if field.is_relation:
                links[field.attname] = cast("type[Model]", field.related_model)
            columns.append(field.attname)
        # Ids, not joins: a deleted record's history stays readable.
        for row in history._default_manager.filter(**{path: household}).values(
            "pgh_created_at", "pgh_label", "pgh_obj_id", *columns
        ):
            rows.append((record, row))
            wanted.setdefault(model, set()).add(row["pgh_obj_id"])
            for column, related in links.items():
                if row.get(column):
                    wanted.setdefault(related, set()).add(row[column])
    labels = {model: _labels(model, ids) for model, ids in wanted.items()}
    kinds = {record: model for model, (record, _path) in _HISTORY_OF.items()}
    events: list[HistoryEvent] = []
    for record, row in rows:
        values: dict[str, str] = {}
        for key, value in row.items():
            if key.startswith("pgh_"):
                continue
            field = fields[record, key]
            label = str(_FIELD_LABELS.get(field.name, field.verbose_name))
            if key in links:
                values[label] = labels.get(links[key], {}).get(value, formats.UNKNOWN)
            else:
                values[label] = _shown(field, value)
        events.append(
            {
                "record": record,
                "record_uuid": labels[kinds[record]].get(row["pgh_obj_id"], ""),
                "at": row["pgh_created_at"],
                "event": row["pgh_label"],
                "values": values,
            }
        )
    events.sort(key=lambda e: (e["at"], e["record"]))
    return events


# --- Retention ----------------------------------------------------------------


def retention_horizon(today: datetime.date | None = None) -> datetime.date:
    """Tenancies that ended on or before this day are past the retention period."""
    today = today or timezone.localdate()
    years = settings.RETENTION_YEARS
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def households_to_erase(
    today: datetime.date | None = None,
) -> QuerySet[WithAnnotations[Household, LastEnd]]:
    """Households (every SLSP: call with scopes disabled) whose every tenancy ended before the
    horizon and that are not yet erased. Households with no tenancy at all are left alone:
    nothing tells when their retention period started."""
    horizon = retention_horizon(today)
    running = Tenancy.objects.filter(household=OuterRef("pk")).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=horizon)
    )
    return (
        Household.objects.filter(erasure__isnull=True, tenancies__isnull=False)
        .annotate(last_end=Max("tenancies__end_date"))
        .filter(~Exists(running))
        .order_by("pk")
    )
