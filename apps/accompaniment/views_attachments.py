"""Attachments: upload beside a consent, follow-up or moment, download, delete.

Every object is loaded through the user's visibility (apps.accompaniment.attachments):
out of scope is a 404. A download is an attachment (never shown inline), with nosniff,
and is access-logged like every read of a person's data.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accompaniment import attachments
from apps.accompaniment.forms_attachments import AttachmentForm
from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.services import log_access
from apps.core.confirm import Confirmation, ConfirmForm, confirmation_page
from apps.core.forms import posted
from apps.core.permissions import get_visible_or_404, require
from apps.core.uploads import serve_stored_file

OWNER_LABELS = {
    "consentement": gettext_lazy("au consentement"),
    "suivi": gettext_lazy("au suivi"),
    "moment": gettext_lazy("au moment"),
}


def _household_url(household) -> str:
    return reverse("tenants:household", kwargs={"uuid": household.uuid})


def attachment_upload(
    request: AuthenticatedHttpRequest, owner_type: str, uuid: UUID
) -> HttpResponse:
    owner = attachments.owner_for(request.user, owner_type, uuid)
    if owner is None:
        raise Http404
    require(request.user, "accompaniment.manage_attachments", owner)
    household = owner.household  # type: ignore[attr-defined]
    form = AttachmentForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            attachments.attach(
                user=request.user,
                owner=owner,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Document joint."))
            return redirect(_household_url(household))
    context = {
        "form": form,
        "household": household,
        "owner": owner,
        "owner_label": OWNER_LABELS[owner_type],
        "limit": filesizeformat(attachments.max_bytes()),
        "cancel_url": _household_url(household),
    }
    return render(request, "accompaniment/attachments/upload.html", context)


def _attachment(request: AuthenticatedHttpRequest, uuid: UUID, permission: str):
    attachment = get_visible_or_404(
        attachments.attachments_for(request.user).select_related("household"), uuid=uuid
    )
    require(request.user, permission, attachment)
    return attachment


def attachment_download(request: AuthenticatedHttpRequest, uuid: UUID) -> FileResponse:
    attachment = _attachment(request, uuid, "accompaniment.view_attachment")
    log_access(request, attachment)
    return serve_stored_file(
        attachment.file, attachments.describe(attachment), attachments.kind_of(attachment)
    )


def attachment_delete(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    attachment = _attachment(request, uuid, "accompaniment.manage_attachments")
    household = attachment.household
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        attachments.delete_attachment(user=request.user, attachment=attachment)
        messages.success(request, _("Document supprimé."))
        return redirect(_household_url(household))
    return confirmation_page(
        request,
        Confirmation(
            title=_("Supprimer un document joint"),
            question=_("Supprimer le document « %(title)s » ?") % {"title": attachment.title},
            consequences=[
                _("Le fichier est effacé du stockage : il ne pourra plus être téléchargé."),
            ],
            cancel_url=_household_url(household),
            confirm_label=_("Supprimer le document"),
        ),
        form,
    )
