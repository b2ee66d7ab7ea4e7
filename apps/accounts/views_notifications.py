"""A person's notifications: the list, opening one, marking them read, e-mail choice."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts import notifications
from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import NotificationEmail
from apps.core.forms import posted


class NotificationEmailForm(forms.Form):
    notification_email = forms.ChoiceField(
        label=gettext_lazy("Recevoir mes notifications par e-mail"),
        choices=NotificationEmail.choices,
        widget=forms.RadioSelect,
    )


def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(notifications.notifications_for(request.user), 30).get_page(
        request.GET.get("page")
    )
    form = NotificationEmailForm(initial={"notification_email": request.user.notification_email})
    return render(
        request,
        "accounts/notifications.html",
        {"page": page, "email_form": form, "unread": notifications.unread_count(request.user)},
    )


@require_POST
def notification_open(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    note = get_object_or_404(notifications.notifications_for(request.user), uuid=uuid)
    notifications.mark_read(request.user, note)
    # Only a path of this site: a stored link must never send anyone elsewhere.
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts=None):
        return redirect(note.url)
    return redirect("accounts:notifications")


@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    notifications.mark_read(request.user)
    messages.success(request, _("Toutes vos notifications sont marquées comme lues."))
    return redirect("accounts:notifications")


@require_POST
def notification_email(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NotificationEmailForm(posted(request))
    if not form.is_valid():
        messages.error(request, _("Ce choix n'est pas proposé."))
        return redirect("accounts:notifications")
    request.user.notification_email = form.cleaned_data["notification_email"]
    request.user.save(update_fields=["notification_email"])
    messages.success(request, _("Votre choix est enregistré."))
    return redirect("accounts:notifications")
