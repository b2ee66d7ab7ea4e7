"""Writes of the partner directory, the SLSPs' networks and the agreements."""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING, Any, cast

from django.db import IntegrityError, models, transaction
from django.db.models import ForeignObjectRel, ManyToManyRel
from django.forms import ModelForm
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled
from pghistory.models import Event as HistoryEvent

from apps.core import versioning
from apps.core.mail import queue_email
from apps.partners.history import concrete_field
from apps.partners.models import (
    Agreement,
    AgreementAlert,
    Partner,
    PartnerContact,
    PartnerMerge,
    SlspPartner,
)

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.slsps.models import Slsp

logger = logging.getLogger(__name__)

# Days before the end of an agreement at which its SLSP's référents get an e-mail.
ALERT_THRESHOLDS = (60, 30, 7)


class MergeError(Exception):
    pass


# --- Network links ---


@transaction.atomic
def link_partner(slsp: Slsp, partner: Partner, *, note: str = "") -> tuple[SlspPartner, bool]:
    with scopes_disabled():
        link, created = SlspPartner.objects.get_or_create(
            slsp=slsp, partner=partner, defaults={"note": note[:300]}
        )
    return link, created


@transaction.atomic
def unlink_partner(slsp: Slsp, partner: Partner) -> bool:
    with scopes_disabled():
        deleted, _detail = SlspPartner.objects.filter(slsp=slsp, partner=partner).delete()
    return bool(deleted)


@transaction.atomic
def create_partner(form: ModelForm[Partner], *, link_to: Slsp | None = None) -> Partner:
    partner = form.save()
    if link_to is not None:
        link_partner(link_to, partner)
    return partner


# --- Contacts ---


@transaction.atomic
def update_partner(form: ModelForm[Partner], *, version: int | None = None) -> Partner:
    """Save an edit of a directory entry started from `version` (versioning.StaleEdit if
    someone else saved it since)."""
    versioning.claim(form.instance, version)
    return form.save()


@transaction.atomic
def add_contact(
    form: ModelForm[PartnerContact], partner: Partner, *, slsp: Slsp | None = None
) -> PartnerContact:
    """A contact of the directory (no `slsp`) or an SLSP's own contact of the partner."""
    contact = form.save(commit=False)
    contact.partner = partner
    contact.slsp = slsp
    contact.save()
    return contact


@transaction.atomic
def update_contact(form: ModelForm[PartnerContact]) -> PartnerContact:
    # Owner and partner never change through the form: the history triggers record
    # every other change with its author.
    return form.save()


def own_copy(contact: PartnerContact, slsp_id: int) -> PartnerContact:
    """The SLSP's own copy of a directory contact (made once, then reused)."""
    if contact.slsp_id == slsp_id:
        return contact
    if contact.slsp_id is not None:
        raise ValueError("another SLSP's contact cannot be copied")
    copy, _created = PartnerContact.objects.get_or_create(
        slsp_id=slsp_id,
        copied_from=contact,
        defaults={
            "partner_id": contact.partner_id,
            "name": contact.name,
            "function": contact.function,
            "phone": contact.phone,
            "email": contact.email,
        },
    )
    return copy


def _agreement_keeps_own_contacts(agreement: Agreement) -> None:
    """Directory contacts chosen for an agreement are replaced by the SLSP's copies:
    a partner link goes only to addresses the SLSP itself keeps."""
    chosen = list(agreement.contacts.all())
    owned = [own_copy(c, agreement.slsp_id) for c in chosen]
    if [c.pk for c in owned] != [c.pk for c in chosen]:
        agreement.contacts.set(owned)


# --- Agreements ---


@transaction.atomic
def save_agreement(
    form: ModelForm[Agreement], *, user: User | None = None, version: int | None = None
) -> Agreement:
    """Save an agreement form (the document already validated by the form); an edit
    started from `version` raises versioning.StaleEdit if someone else saved it since."""
    if form.instance.pk is not None:
        versioning.claim(form.instance, version)
    agreement = form.save(commit=False)
    replaced = form.initial.get("document")
    new_document = "document" in form.changed_data and bool(form.cleaned_data.get("document"))
    if new_document:
        agreement.document_size = form.cleaned_data["document"].size
        agreement.document_uploaded_at = timezone.now()
    elif "document" in form.changed_data:  # cleared
        agreement.document_size = None
        agreement.document_uploaded_at = None
    if agreement.pk is None:
        agreement.created_by = user
    agreement.save()
    form.save_m2m()
    _agreement_keeps_own_contacts(agreement)
    if "document" in form.changed_data and replaced:
        # A replaced or removed signed document must not linger on disk.
        storage, name = replaced.storage, replaced.name
        transaction.on_commit(lambda: storage.delete(name))
    link_partner(agreement.slsp, agreement.partner)
    # A renewed end date must warn again at every threshold.
    if "end_date" in form.changed_data and form.initial.get("end_date"):
        AgreementAlert.objects.filter(agreement=agreement).delete()
    return agreement


def send_expiry_alerts(slsp_id: int, today: datetime.date | None = None) -> int:
    """E-mail the référents of one SLSP about its agreements crossing an alert threshold.

    Runs inside the SLSP's scope. Each (agreement, threshold) is sent once: the alert row
    is written in the same transaction as the mail is queued, and its unique constraint
    stops a second run (or a redelivered task) from sending it again.
    """
    from apps.accounts.models import Role, User

    today = today or timezone.localdate()
    recipients = list(
        User.objects.filter(
            is_active=True, memberships__role=Role.REFERENT, memberships__slsp_id=slsp_id
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    horizon = today + datetime.timedelta(days=max(ALERT_THRESHOLDS))
    agreements = (
        Agreement.objects.filter(slsp_id=slsp_id, start_date__lte=today)
        .filter(end_date__gte=today, end_date__lte=horizon)
        .select_related("partner", "slsp")
    )
    already = set(
        AgreementAlert.objects.filter(agreement__in=agreements).values_list(
            "agreement_id", "threshold_days"
        )
    )
    sent = 0
    for agreement in agreements:
        days_left = (agreement.end_date - today).days
        threshold = min(t for t in ALERT_THRESHOLDS if days_left <= t)
        if (agreement.pk, threshold) in already:
            continue
        # Crossing a lower threshold also covers the higher ones not yet sent.
        with transaction.atomic():
            try:
                for t in ALERT_THRESHOLDS:
                    if t >= threshold and (agreement.pk, t) not in already:
                        AgreementAlert.objects.create(
                            slsp_id=slsp_id,
                            agreement=agreement,
                            threshold_days=t,
                            recipients=len(recipients),
                        )
            except IntegrityError:
                continue
            if recipients:
                context = {"agreement": agreement, "days_left": days_left}
                subject = _("Convention à renouveler : %(partner)s (fin le %(end)s)") % {
                    "partner": agreement.partner.name,
                    "end": agreement.end_date.strftime("%d/%m/%Y"),
                }
                body = render_to_string("partners/emails/expiry_alert.txt", context)
                queue_email(subject=subject, body=body, to=recipients)
            sent += 1
    return sent


# --- Merging duplicates ---


def _relations_to_partner() -> list[tuple[type[models.Model], Any]]:
    """Every (model, field) whose foreign key points to Partner, whoever declared it.

    Built from Partner's reverse relations (`_meta.related_objects`, plus hidden ones
    such as `related_name="+"`), so that apps added later are covered. A many-to-many
    field is handled through its through model's foreign key.
    """
    found: list[tuple[type[models.Model], Any]] = []
    for rel in Partner._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and rel.is_relation):
            continue
        # What passes is a reverse relation (another model's key to Partner).
        if not isinstance(rel, ForeignObjectRel) or rel.related_model is None:
            continue
        if issubclass(rel.related_model, HistoryEvent):
            # The change history keeps the partner as it was; it is append-only.
            continue
        if isinstance(rel, ManyToManyRel):
            # Resolved to a model class once the app registry is ready.
            through = cast("type[models.Model]", rel.through)
            for field in through._meta.fields:
                if field.is_relation and field.related_model is Partner:
                    found.append((through, field))
        else:
            found.append((rel.related_model, rel.field))
    # The hidden foreign key of an auto-created through model shows up both ways.
    unique = []
    for item in found:
        if item not in unique:
            unique.append(item)
    return unique


def _unique_sets(model: type[models.Model], field: Any) -> list[tuple[str, ...]]:
    """The unique field sets of `model` that include `field` (the collisions to expect)."""
    sets: list[tuple[str, ...]] = []
    if field.unique:
        sets.append((field.name,))
    for together in model._meta.unique_together:
        sets.append(tuple(together))
    for constraint in model._meta.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and constraint.fields
            and constraint.condition is None
        ):
            sets.append(tuple(constraint.fields))
    return [s for s in sets if field.name in s or field.attname in s]


@transaction.atomic
def merge_partners(keep: Partner, duplicate: Partner, *, user: User | None = None) -> PartnerMerge:
    """Move everything that points to `duplicate` onto `keep`, then delete `duplicate`.

    A row that would break a unique constraint (e.g. an SLSP linked to both) is folded
    into the keeper's row (the model's `absorb_duplicate(other)` hook, when it has one)
    and then deleted. All or nothing.
    """
    if keep.pk == duplicate.pk:
        raise MergeError(_("Un partenaire ne peut pas être fusionné avec lui-même."))
    locked = {
        p.pk: p for p in Partner.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk])
    }
    if len(locked) != 2:
        raise MergeError(_("L'un des deux partenaires n'existe plus."))
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    moved: dict[str, int] = {}
    with scopes_disabled():
        for model, field in _relations_to_partner():
            manager = model._base_manager
            rows = manager.filter(**{field.name: duplicate})
            for unique_set in _unique_sets(model, field):
                others = [name for name in unique_set if name not in (field.name, field.attname)]
                attnames = [concrete_field(model, n).attname for n in others]
                keeper_rows = manager.filter(**{field.name: keep})
                if not others:
                    clashing = list(rows) if keeper_rows.exists() else []
                    keeper_by_key = {(): keeper_rows.first()}
                else:
                    keeper_by_key = {tuple(getattr(r, a) for a in attnames): r for r in keeper_rows}
                    clashing = [
                        r for r in rows if tuple(getattr(r, a) for a in attnames) in keeper_by_key
                    ]
                for row in clashing:
                    key = tuple(getattr(row, a) for a in attnames)
                    target = keeper_by_key.get(key)
                    if target is not None and hasattr(target, "absorb_duplicate"):
                        changed = target.absorb_duplicate(row)
                        if changed:
                            target.save(update_fields=changed)
                    row.delete()
            count = rows.update(**{field.name: keep})
            if count:
                label = f"{model._meta.label_lower}.{field.name}"
                moved[label] = moved.get(label, 0) + count
    # Keep what the keeper lacks.
    changed = []
    for name in ("address", "postal_code", "commune", "phone", "email", "website", "description"):
        if not getattr(keep, name) and getattr(duplicate, name):
            setattr(keep, name, getattr(duplicate, name))
            changed.append(name)
    communes = keep.communes_served + [
        c for c in duplicate.communes_served if c not in keep.communes_served
    ]
    if communes != keep.communes_served:
        keep.communes_served = communes
        changed.append("communes_served")
    if changed:
        keep.save(update_fields=[*changed, "updated_at"])
    record = PartnerMerge.objects.create(
        kept=keep,
        merged_name=duplicate.name,
        merged_uuid=duplicate.uuid,
        moved=moved,
        merged_by=user,
    )
    duplicate.delete()
    return record
