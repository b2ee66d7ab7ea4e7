"""Staying signed in: the idle warning's button (templates/accounts/idle_warning.html)."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.accounts import sessions
from apps.accounts.http import AuthenticatedHttpRequest


@require_POST
def keepalive(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Count this as activity. An expired session never gets here: SessionSecurityMiddleware
    answers 401 (and an already closed one is sent to the login page)."""
    sessions.record_activity(request.session)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"remaining": settings.SESSION_IDLE_TIMEOUT})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "core:home"
    return redirect(back)
