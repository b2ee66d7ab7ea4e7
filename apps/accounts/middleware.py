import logging
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from apps.accounts import otp, sessions
from apps.accounts.models import User
from apps.core import resume

logger = logging.getLogger("apps.accounts.auth")

MESSAGES = {
    "idle": _("Votre session a expiré après une période d'inactivité. Veuillez vous reconnecter."),
    "absolute": _("Votre session a atteint sa durée maximale. Veuillez vous reconnecter."),
}
SECOND_FACTOR_MESSAGE = _(
    "Votre rôle exige la double authentification : saisissez votre code pour continuer."
)


class SessionSecurityMiddleware:
    """End signed-in sessions idle for too long or older than the absolute lifetime, and
    ask for the second factor on every request of a role that needs one.

    The second-factor check is per request, not only at sign-in: a coordinator or
    administrator role granted to a signed-in person takes effect on their next request,
    and that request goes to the code step (or enrolment) instead of the page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        reason = sessions.expiry_reason(request.session)
        if reason is not None:
            return self._expired(request, reason)
        # Session first: a verified session costs no query; else the roles held now.
        if (
            not otp.session_verified(request.session)
            and otp.is_required_for(request.user)
            and request.path != reverse("accounts:logout")
        ):
            return self._ask_for_the_second_factor(request)
        token = sessions.CURRENT.set((request.user.pk, request.session.session_key or ""))
        try:
            return self.get_response(request)
        finally:
            sessions.CURRENT.reset(token)

    @staticmethod
    def _expired(request: HttpRequest, reason: str) -> HttpResponse:
        """Sign out; a form sent now is kept for the same person, who comes back to the
        page it was on after signing in (apps/core/resume.py), never to a POST-only URL."""
        if request.path == reverse("accounts:session_keepalive"):
            logout(request)
            return JsonResponse({"expired": True}, status=401)
        kept: str | None = None
        next_url = request.get_full_path()
        if request.method == "POST":
            next_url, kept = resume.keep(request, cast(int, request.user.pk))
        logout(request)
        messages.warning(request, MESSAGES[reason])
        return resume.remember(redirect_to_login(next_url), kept)

    def _ask_for_the_second_factor(self, request: HttpRequest) -> HttpResponse:
        """Turn the session back into a pending sign-in waiting for the code."""
        # Only a signed-in user is asked for a second factor.
        user = cast(
            User, request.user._wrapped if hasattr(request.user, "_wrapped") else request.user
        )
        backend = request.session.get(BACKEND_SESSION_KEY)
        # A refused POST is not replayed: the person comes back to the home page.
        next_url = request.get_full_path() if request.method == "GET" else reverse("core:home")
        logout(request)
        if backend:
            user.backend = backend
        otp.start_pending(request, user, next_url)
        messages.info(request, SECOND_FACTOR_MESSAGE)
        logger.info("otp_required_mid_session", extra={"user_id": user.pk})
        if otp.confirmed_device(user) is not None:
            return redirect("accounts:login_otp")
        return redirect("accounts:login_enrol")


def remember_language(response: HttpResponse, language: str) -> HttpResponse:
    """The language cookie follows the person's choice: pages before sign-in (and after
    sign-out) on this browser speak it too."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


class UserLanguageMiddleware:
    """A signed-in person's pages speak the language stored on their account.

    After LocaleMiddleware (which picked the cookie's or the browser's language) and
    AuthenticationMiddleware. The user row is already loaded by the session check: no
    extra query. A language chosen with the footer's switch (Django's set_language,
    which only sets the cookie) is saved on the account, so the choice holds on every
    browser.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.codes = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        language = getattr(user, "language", None) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
        chosen = cookie.value if cookie is not None else None
        if (
            chosen in self.codes
            and chosen != language
            and request.user.is_authenticated  # not a sign-out
            and request.user.pk == user.pk
        ):
            from apps.accounts import services

            services.set_language(request.user, chosen)
        return response


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's deny-by-default sign-in check, except that a form sent without a session
    comes back, after signing in, to the page it was on: its URL may answer POST only."""

    def handle_no_permission(
        self, request: HttpRequest, view_func: Callable
    ) -> HttpResponseRedirect:
        if request.method == "POST":
            return redirect_to_login(resume.form_page(request), self.get_login_url(view_func))
        return super().handle_no_permission(request, view_func)
