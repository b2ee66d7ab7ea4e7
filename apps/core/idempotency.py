"""One record per form display, however many times it is sent.

Every POST form carries a hidden token made when the form is shown (`{% form_token %}`,
a template builtin). The first POST with a token claims it in Redis with an atomic
SET NX; a repeat (a double click, a second tab's resend, a browser retry) never runs the
view again: it is sent where the first one went, or told the form was already sent
while the first one is still running. A form shown again with its errors gets a fresh
token, and a refused first POST frees its token, so correcting and resending works.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

FIELD = "form_token"
# Long enough to cover a slow view and a user clicking again; short enough to keep
# Redis small (one key per POST).
TTL = 10 * 60
PENDING = "pending"
# How long a repeat waits for the first POST to finish before answering "already sent".
WAIT_SECONDS = 5.0
WAIT_STEP = 0.05

ALREADY_SENT = _("Ce formulaire avait déjà été envoyé : il n'a été enregistré qu'une fois.")


def new_token() -> str:
    return secrets.token_urlsafe(18)


def _key(request: HttpRequest, token: str) -> str:
    # Per person: a token seen by someone else can never replay their answer.
    return f"idem:{request.user.pk}:{token}"


def _valid(token: str) -> bool:
    return 10 <= len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()


class IdempotencyMiddleware:
    """Run a signed-in person's POST at most once per form token (see module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or not request.user.is_authenticated:
            return self.get_response(request)
        token = request.POST.get(FIELD, "")
        if not token or not _valid(token):
            return self.get_response(request)
        key = _key(request, token)
        if not cache.add(key, PENDING, TTL):
            earlier = self._wait_for_first(key)
            if earlier is not None:
                return self._repeat(request, earlier)
            # Redis unreachable (the fail-soft cache answers None): never refuse work.
            return self.get_response(request)
        try:
            response = self.get_response(request)
        except BaseException:
            cache.delete(key)
            raise
        if 300 <= response.status_code < 400 and response.get("Location"):
            cache.set(key, response["Location"], TTL)
        else:
            # A form shown again with its errors, or a refusal: nothing was done, the
            # person may send again.
            cache.delete(key)
        return response

    @staticmethod
    def _wait_for_first(key: str) -> str | None:
        deadline = time.monotonic() + WAIT_SECONDS
        value = cache.get(key)
        while value == PENDING and time.monotonic() < deadline:
            time.sleep(WAIT_STEP)
            value = cache.get(key)
        return value

    @staticmethod
    def _repeat(request: HttpRequest, earlier: str) -> HttpResponse:
        if earlier == PENDING:
            return render(request, "core/already_sent.html", {"message": ALREADY_SENT}, status=409)
        messages.info(request, ALREADY_SENT)
        return redirect(earlier)
