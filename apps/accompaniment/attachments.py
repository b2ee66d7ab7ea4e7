"""Attachments of consents, follow-ups and moments: reads, writes and erasure.

A file is accepted by what its CONTENT is (apps.core.uploads: PDF, JPEG, PNG, magic bytes
and a real parse), never by its name, and up to `settings.ATTACHMENT_MAX_BYTES`. It is
stored through Django's storage API (the media folder, or the S3-compatible bucket when
one is configured) under a random name, and only ever served back by an authorised view
as a download. Deleting a row deletes its file once the transaction has committed (a
rollback keeps both); erasing a household deletes all of its files.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from apps.accompaniment.attachment_models import Attachment
from apps.accompaniment.models import Consent, FollowUp, Moment
from apps.accounts.models import User
from apps.core.uploads import JPEG, PDF, PNG, FileKind, validate_upload
from apps.tenants.models import Household
from apps.tenants.queries import households_for

logger = logging.getLogger("apps.accompaniment")

ACCEPTED: tuple[FileKind, ...] = (PDF, JPEG, PNG)

# The objects a file may be attached to, by the name used in URLs.
OWNERS: dict[str, type[models.Model]] = {
    "consentement": Consent,
    "suivi": FollowUp,
    "moment": Moment,
}
OWNER_FIELD: dict[type[models.Model], str] = {
    Consent: "consent",
    FollowUp: "follow_up",
    Moment: "moment",
}


def max_bytes() -> int:
    return int(settings.ATTACHMENT_MAX_BYTES)


# --- Reads -----------------------------------------------------------------------------


def attachments_for(user: User) -> QuerySet[Attachment]:
    """The attachments the user may see: those of the households the user may see (the
    same visibility as the household page, where they are listed)."""
    return Attachment.objects.filter(household__in=households_for(user))


def owner_for(user: User, owner_type: str, uuid: Any) -> models.Model | None:
    """The consent, follow-up or moment `uuid` if the user may see its household."""
    model = OWNERS.get(owner_type)
    if model is None:
        return None
    manager: Any = model._default_manager
    # A planned appointment is not in the timeline where documents are listed: a
    # document joins a moment once it has taken place.
    rows = manager.done() if model is Moment else manager.all()
    return (
        rows.filter(household__in=households_for(user), uuid=uuid)
        .select_related("household")
        .first()
    )


def rows_by_owner(household: Household) -> dict[tuple[str, int], list[dict[str, Any]]]:
    """The household's attachments as display rows (with their download and delete
    links), keyed by (owner field, owner pk): one query, whatever the number of consents,
    follow-ups and moments."""
    from apps.core.jinja2env import uuid_url_maker

    download = uuid_url_maker("accompaniment:attachment_download")
    delete = uuid_url_maker("accompaniment:attachment_delete")
    grouped: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for values in (
        Attachment.objects.filter(household=household)
        .order_by("uploaded_at", "pk")
        .values("uuid", "title", "file_kind", "size", "consent_id", "follow_up_id", "moment_id")
    ):
        row: dict[str, Any] = dict(values)
        row["href"] = download(row["uuid"])
        row["delete_href"] = delete(row["uuid"])
        row["kind_label"] = row["file_kind"].upper()
        row["size_label"] = filesizeformat(row["size"])
        for field in ("consent", "follow_up", "moment"):
            owner_id = row[f"{field}_id"]
            if owner_id is not None:
                grouped[(field, owner_id)].append(row)
    return grouped


def _upload_url(owner_type: str, uuid: Any) -> str:
    from django.urls import reverse

    return reverse(
        "accompaniment:attachment_upload", kwargs={"owner_type": owner_type, "uuid": uuid}
    )


def upload_url_maker(owner_type: str) -> Callable[[Any], str]:
    """The upload page's URL for many rows: reversed once, each UUID written in."""
    sentinel = "00000000-0000-0000-0000-000000000000"
    pattern = _upload_url(owner_type, sentinel)
    return lambda value: pattern.replace(sentinel, str(value))


def annotate_owners(
    household: Household,
    *,
    consents: Iterable[Consent],
    follow_ups: Iterable[FollowUp],
    moment_rows: Iterable[dict[str, Any]],
) -> None:
    """Give each consent and follow-up `attachment_rows` and `attach_href`, and each
    timeline moment row (sections.moment_rows, which gives its "attach_href") its
    "attachments", for the household page and the case sheet."""
    grouped = rows_by_owner(household)
    for consent in consents:
        consent.attachment_rows = grouped.get(("consent", consent.pk), [])  # type: ignore[attr-defined]
        consent.attach_href = _upload_url("consentement", consent.uuid)  # type: ignore[attr-defined]
    for follow_up in follow_ups:
        follow_up.attachment_rows = grouped.get(("follow_up", follow_up.pk), [])  # type: ignore[attr-defined]
        follow_up.attach_href = _upload_url("suivi", follow_up.uuid)  # type: ignore[attr-defined]
    for row in moment_rows:
        if row.get("kind") == "moment" and "pk" in row:
            row["attachments"] = grouped.get(("moment", row["pk"]), [])


# --- Writes ----------------------------------------------------------------------------


# The names a file of each kind may carry; a file whose name promises another type than
# its content is refused (a PDF renamed .png is a mistake or a disguise, never intended).
EXTENSIONS = {"pdf": (".pdf",), "jpeg": (".jpg", ".jpeg"), "png": (".png",)}


def _check_name_agrees(name: str, kind: FileKind) -> None:
    extension = os.path.splitext(name.lower())[1]
    if extension not in EXTENSIONS[kind.name]:
        raise ValidationError(
            _(
                "Ce fichier est en réalité un %(kind)s mais son nom se termine par "
                "« %(extension)s » : renommez-le ou déposez le bon fichier."
            ),
            code="name_mismatch",
            params={"kind": kind.label, "extension": extension or "—"},
        )


@transaction.atomic
def attach(*, user: User, owner: models.Model, title: str, upload: UploadedFile) -> Attachment:
    """Check the file by its content and size, store it, record it. Raises a French
    ValidationError (nothing stored) when the file is refused."""
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Donnez un intitulé au document.")})
    try:
        kind = validate_upload(upload, ACCEPTED, max_bytes=max_bytes())
        _check_name_agrees(upload.name or "", kind)
    except ValidationError as error:
        raise ValidationError({"file": error.error_list}) from error
    household: Household = owner.household  # type: ignore[attr-defined]
    attachment = Attachment(
        slsp_id=household.slsp_id,
        household=household,
        title=title[:120],
        file_kind=kind.name,
        size=upload.size or 0,
        uploaded_by=user,
        **{OWNER_FIELD[type(owner)]: owner},
    )
    upload.seek(0)
    # Saved through the storage API under a random name (attachment_upload_to).
    attachment.file.save(upload.name or "document", upload, save=False)
    stored = attachment.file.name or ""
    try:
        attachment.save()
    except Exception:
        default_storage.delete(stored)
        raise
    logger.info(
        "attachment_added",
        extra={"attachment": str(attachment.uuid), "household_id": household.pk},
    )
    return attachment


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # storage down: the name is logged so the file can be removed
            logger.exception("attachment_file_not_deleted", extra={"file": name})


def delete_files_on_commit(names: list[str]) -> None:
    names = [n for n in names if n]
    if names:
        transaction.on_commit(lambda: _delete_files(names))


@receiver(post_delete, sender=Attachment, dispatch_uid="attachment_file_deleted")
def _file_goes_with_its_row(sender: type, instance: Attachment, **kwargs: Any) -> None:
    """Every way a row goes (deleted here, with its moment or consent, by erasure) takes
    its stored file with it, once the deletion is committed."""
    delete_files_on_commit([instance.file.name or ""])


@transaction.atomic
def delete_attachment(*, user: User, attachment: Attachment) -> None:
    uuid = str(attachment.uuid)
    attachment.delete()
    logger.info("attachment_deleted", extra={"attachment": uuid, "by": user.pk})


def erase_household_attachments(household: Household) -> int:
    """Erasure: every attachment of the household goes, rows now and files after commit
    (the post_delete receiver above). Called by apps.privacy's erasure in its transaction."""
    deleted, _by_model = Attachment.objects.filter(household=household).delete()
    return deleted


def describe(attachment: Attachment) -> str:
    """What a download is named: its title and the type its content was checked as."""
    return attachment.title


def kind_of(attachment: Attachment) -> FileKind:
    return {k.name: k for k in ACCEPTED}[attachment.file_kind]
