"""A form sent after the session expired is kept, and given back after signing in.

When a signed-in person's session has expired, their POST is not run: its text fields
(never files, never the CSRF or form tokens) are stored in Redis for a short time, signed,
under a random id that only this browser holds (an HttpOnly cookie), together with the
id of the person whose session it was. They sign in again (password and second factor)
and come back to the page the form was on; that page receives the kept values (a JSON
block that static/js/resume.js writes back into the form) and a message asking to check
and send again. Anyone else signing in on that browser never sees them: the entry is
dropped on their first request.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from apps.core import idempotency

COOKIE = "slsp_resume"
TTL = 15 * 60
SALT = "apps.core.resume"
# Never kept: the tokens are stale by the time the form is sent again, and no
# password (account pages) is ever stored anywhere.
SKIPPED = {"csrfmiddlewaretoken", idempotency.FIELD, "otp_token"}
# A form is a few kilobytes of text; a larger body is not kept.
MAX_SIZE = 64 * 1024

RESTORED = _(
    "Votre session avait expiré avant l'envoi du formulaire : ce que vous aviez saisi "
    "a été remis dans le formulaire. Vérifiez-le, puis envoyez-le à nouveau."
)


def _key(resume_id: str) -> str:
    return f"resume:{resume_id}"


def form_page(request: HttpRequest) -> str:
    """Where the form was shown: the page the POST came from (same site only), else the
    URL it was sent to. A POST-only URL is never the way back (it would answer 405)."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        if parts.path.startswith("/") and not parts.path.startswith("//"):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()


def _kept_fields(request: HttpRequest) -> dict[str, list[str]]:
    return {
        name: request.POST.getlist(name)
        for name in request.POST
        if name not in SKIPPED and "password" not in name.lower()
    }


def keep(request: HttpRequest, user_id: int) -> tuple[str, str | None]:
    """Store the POST of `user_id`'s expired session; (page to come back to, id or None)."""
    page = form_page(request)
    fields = _kept_fields(request)
    if not fields:
        return page, None
    value = signing.dumps(
        {"user": user_id, "page": page, "action": request.path, "fields": fields},
        salt=SALT,
        compress=True,
    )
    if len(value) > MAX_SIZE:
        return page, None
    resume_id = secrets.token_urlsafe(24)
    cache.set(_key(resume_id), value, TTL)
    return page, resume_id


def remember(response: HttpResponse, resume_id: str | None) -> HttpResponse:
    if resume_id is not None:
        response.set_cookie(
            COOKIE,
            resume_id,
            max_age=TTL,
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
            samesite="Lax",
            path="/",
        )
    return response


def _load(resume_id: str) -> dict[str, Any] | None:
    value = cache.get(_key(resume_id))
    if not isinstance(value, str):
        return None
    try:
        return cast(dict[str, Any], signing.loads(value, salt=SALT, max_age=TTL))
    except signing.BadSignature:
        return None


class ResumeMiddleware:
    """Give a kept form back to the person it belongs to, on the page it was on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        resume_id = request.COOKIES.get(COOKIE)
        if not resume_id or not request.user.is_authenticated or request.method != "GET":
            return self.get_response(request)
        kept = _load(resume_id)
        drop = kept is None or kept.get("user") != request.user.pk
        if not drop and kept is not None and kept.get("page") == request.get_full_path():
            request.resumed_form = {"action": kept["action"], "fields": kept["fields"]}  # type: ignore[attr-defined]
            messages.warning(request, RESTORED)
            drop = True
        if not drop:
            # Signed in, not yet back on the form's page (a backup-code page, say).
            return self.get_response(request)
        cache.delete(_key(resume_id))
        response = self.get_response(request)
        response.delete_cookie(COOKIE, path="/", samesite="Lax")
        return response
