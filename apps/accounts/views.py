import functools
import logging

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts import backup_codes, enrolment, invitations, otp, services, sessions, throttle
from apps.accounts.forms import (
    EmailAuthenticationForm,
    EmailChangeForm,
    EnrolmentCodeForm,
    LanguageForm,
    OtpTokenForm,
    QueuedPasswordResetForm,
    ReauthenticationForm,
    SecondFactorForm,
)
from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.middleware import remember_language
from apps.core.forms import posted

logger = logging.getLogger("apps.accounts.auth")


def _safe_next(request, url: str, default: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


def _otp_failed(request, user) -> None:
    """A wrong one-time code counts as a failed sign-in for the lockout (django-axes)."""
    user_login_failed.send(sender=__name__, credentials={"username": user.email}, request=request)
    logger.info("otp_failed", extra={"user_id": user.pk})


def _locked(request, user):
    credentials = {"username": user.email}
    if AxesProxyHandler.is_allowed(request, credentials):
        return None
    return get_lockout_response(request, None, credentials)


# --- Sign-in: password, then the second factor ------------------------------


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if otp.confirmed_device(user) is not None:
            otp.start_pending(self.request, user, self.get_success_url())
            return redirect("accounts:login_otp")
        if otp.is_required_for(user):
            otp.start_pending(self.request, user, self.get_success_url())
            return redirect("accounts:login_enrol")
        return super().form_valid(form)


def _sign_in(request, user, backend, device) -> None:
    otp.clear_pending(request)
    enrolment.clear(request.session)
    auth_login(request, user, backend=backend)
    import django_otp

    django_otp.login(request, device)


def _finish_login(request, user, backend, next_url, device):
    _sign_in(request, user, backend, device)
    return HttpResponseRedirect(_safe_next(request, next_url, reverse("core:home")))


def _show_new_backup_codes(request, codes: list[str], next_url: str) -> HttpResponse:
    """The codes are in this response only (never stored in clear, nor in the session).

    201: the answer to a POST that created them, not a form shown again after an error.
    """
    return render(
        request,
        "accounts/backup_codes_new.html",
        {"codes": codes, "next": _safe_next(request, next_url, reverse("accounts:security"))},
        status=201,
    )


def _backup_code_used_message(request, user) -> None:
    messages.warning(
        request,
        _(
            "Vous vous êtes connecté avec un code de secours. Il vous en reste %(left)d. "
            "Si vous avez perdu votre téléphone, remplacez l'application d'authentification."
        )
        % {"left": backup_codes.remaining(user)},
    )


def _pending_or_restart(request):
    pending = otp.get_pending(request)
    if pending is None:
        otp.clear_pending(request)
        messages.warning(request, _("Le délai est dépassé : veuillez vous reconnecter."))
    return pending


@login_not_required
def login_otp(request):
    """Second step of sign-in for people with a second factor."""
    pending = _pending_or_restart(request)
    if pending is None:
        return redirect("accounts:login")
    user, backend, next_url = pending
    device = otp.confirmed_device(user)
    if device is None:
        return redirect("accounts:login_enrol")
    if (locked := _locked(request, user)) is not None:
        return locked
    form = SecondFactorForm(posted(request))
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["otp_token"]
        if otp.verify_or_backup(user, device, token):
            response = _finish_login(request, user, backend, next_url, device)
            if backup_codes.looks_like_one(token):
                _backup_code_used_message(request, user)
            return response
        _otp_failed(request, user)
        form.add_error("otp_token", _("Code incorrect ou expiré."))
    return render(request, "accounts/login_otp.html", {"form": form})


@login_not_required
def login_enrol(request):
    """Coordinators and administrators without a second factor enrol before signing in."""
    pending = _pending_or_restart(request)
    if pending is None:
        return redirect("accounts:login")
    user, backend, next_url = pending
    if otp.confirmed_device(user) is not None:
        return redirect("accounts:login_otp")
    if (locked := _locked(request, user)) is not None:
        return locked
    if (email_step := _enrolment_email_step(request, user, at_login=True)) is not None:
        return email_step
    device = otp.pending_device(user)
    form = OtpTokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if otp.verify(device, form.cleaned_data["otp_token"]):
            codes = otp.confirm_enrolment(user, device)
            _sign_in(request, user, backend, device)
            return _show_new_backup_codes(request, codes, next_url)
        _otp_failed(request, user)
        form.add_error("otp_token", _("Code incorrect ou expiré."))
    return render(
        request,
        "accounts/otp_enrol.html",
        _enrol_context(device, form, at_login=True),
    )


def _enrolment_email_step(request, user, *, at_login: bool) -> HttpResponse | None:
    """Before a FIRST enrolment, the code e-mailed to the account; None once given.

    The key and QR code are not shown, nor a device created, before it: the password
    alone must not be enough to enrol an authenticator. Replacing a device needs no
    e-mail (re-authentication asks for the current code).
    """
    if otp.confirmed_device(user) is not None or enrolment.has_passed(request.session, user):
        return None
    form = EnrolmentCodeForm(posted(request))
    if request.method == "POST" and "resend" in request.POST:
        if enrolment.send_code(user):
            messages.success(request, _("Un nouveau code vient d'être envoyé."))
        else:
            messages.error(
                request, _("Trop de codes envoyés. Réessayez dans une heure ou contactez l'aide.")
            )
        return redirect(request.path)
    if request.method == "POST":
        if form.is_valid():
            if enrolment.check_code(user, form.cleaned_data["email_code"]):
                enrolment.mark_passed(request.session, user)
                return redirect(request.path)
            _otp_failed(request, user)
            form.add_error(
                "email_code",
                _(
                    "Code incorrect ou expiré. Après plusieurs essais, le code ne vaut plus : "
                    "demandez-en un nouveau."
                ),
            )
    elif not enrolment.has_live_code(user):
        enrolment.send_code(user)
    context = {"form": form, "at_login": at_login, "minutes": enrolment.ttl() // 60}
    return render(request, "accounts/enrol_email_code.html", context)


@login_not_required
def admin_login(request, extra_context=None):
    """The Django admin signs in through our login (password, then second factor)."""
    if request.user.is_authenticated:
        raise PermissionDenied
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")


def admin_password_change(request, extra_context=None):
    """The admin's own password form would skip re-authentication: use ours."""
    return redirect("accounts:password_change")


# Public: an expired session's "sign out" button lands on the login page, not on a
# login form that would send the person back to sign out.
@method_decorator(login_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    pass


# --- Re-authentication before sensitive changes -----------------------------


def recent_auth_required(view):
    """Changing the e-mail, the password or the second factor needs a recent sign-in."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not sessions.authenticated_recently(request.session):
            # A refused POST is not replayed: the person comes back to the form.
            back = (
                request.get_full_path() if request.method == "GET" else reverse("accounts:security")
            )
            query = urlencode({"next": back})
            return redirect(f"{reverse('accounts:reauth')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper


def reauthenticate(request):
    user = request.user
    device = otp.confirmed_device(user)
    next_url = _safe_next(request, request.GET.get("next", ""), reverse("accounts:security"))
    if (locked := _locked(request, user)) is not None:
        return locked
    form = ReauthenticationForm(posted(request), with_token=device is not None)
    if request.method == "POST" and form.is_valid():
        # authenticate() goes through django-axes: failures count towards the lockout.
        checked = authenticate(request, username=user.email, password=form.cleaned_data["password"])
        if checked is None or checked.pk != user.pk:
            form.add_error("password", _("Mot de passe incorrect."))
        elif device is not None and not otp.verify_or_backup(
            user, device, form.cleaned_data["otp_token"]
        ):
            _otp_failed(request, user)
            form.add_error("otp_token", _("Code incorrect ou expiré."))
        else:
            sessions.mark_reauthenticated(request.session)
            logger.info("reauthenticated", extra={"user_id": user.pk})
            return HttpResponseRedirect(next_url)
    return render(request, "accounts/reauth.html", {"form": form, "next": next_url})


# --- Account security page -------------------------------------------------


def security(request):
    user = request.user
    device = otp.confirmed_device(user)
    return render(
        request,
        "accounts/security.html",
        {
            "device": device,
            "backup_codes_left": backup_codes.remaining(user) if device else None,
            "language_form": LanguageForm(initial={"language": user.language}),
            "otp_required": otp.is_required_for(user),
            # The limits shown are the configured ones (SESSION_* settings), not fixed text.
            "idle_minutes": settings.SESSION_IDLE_TIMEOUT // 60,
            "lifetime_hours": settings.SESSION_ABSOLUTE_LIFETIME // 3600,
        },
    )


def _enrol_context(device, form, *, at_login=False):
    return {
        "form": form,
        "qr_svg": otp.qr_svg(device),
        "secret": otp.secret_b32(device),
        "at_login": at_login,
    }


@recent_auth_required
def otp_enrol(request):
    """Enrol (or replace) the second factor; the old one works until the new is confirmed."""
    user = request.user
    if (email_step := _enrolment_email_step(request, user, at_login=False)) is not None:
        return email_step
    device = otp.pending_device(user)
    form = OtpTokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if otp.verify(device, form.cleaned_data["otp_token"]):
            codes = otp.confirm_enrolment(user, device)
            enrolment.clear(request.session)
            import django_otp

            django_otp.login(request, device)
            messages.success(request, _("La double authentification est activée."))
            return _show_new_backup_codes(request, codes, reverse("accounts:security"))
        _otp_failed(request, user)
        form.add_error("otp_token", _("Code incorrect ou expiré."))
    return render(request, "accounts/otp_enrol.html", _enrol_context(device, form))


@require_POST
@recent_auth_required
def otp_disable(request):
    user = request.user
    if otp.is_required_for(user):
        messages.error(
            request,
            _(
                "La double authentification est obligatoire pour votre rôle : "
                "vous pouvez remplacer l'application, pas la désactiver."
            ),
        )
    else:
        otp.disable(user)
        messages.success(request, _("La double authentification est désactivée."))
    return redirect("accounts:security")


@recent_auth_required
def backup_codes_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Make new backup codes (the old ones stop working): confirm, then shown once."""
    user = request.user
    if otp.confirmed_device(user) is None:
        messages.error(request, _("Activez d'abord la double authentification."))
        return redirect("accounts:security")
    if request.method == "POST":
        codes = backup_codes.regenerate(user)
        return _show_new_backup_codes(request, codes, reverse("accounts:security"))
    return render(
        request, "accounts/backup_codes.html", {"remaining": backup_codes.remaining(user)}
    )


@require_POST
def language_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cette langue n'est pas proposée."))
        return redirect("accounts:security")
    services.set_language(request.user, form.cleaned_data["language"])
    translation.activate(form.cleaned_data["language"])
    messages.success(request, _("La langue est modifiée."))
    response = redirect("accounts:security")
    return remember_language(response, form.cleaned_data["language"])


@recent_auth_required
def email_change(request):
    form = EmailChangeForm(posted(request), initial={"email": request.user.email})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_email(request.user, form.cleaned_data["email"])
        except services.EmailTaken:
            form.add_error("email", _("Cette adresse est déjà utilisée par un autre compte."))
        else:
            messages.success(request, _("Votre adresse e-mail est modifiée."))
            return redirect("accounts:security")
    return render(request, "accounts/email_change.html", {"form": form})


# --- Password ----------------------------------------------------------------


@method_decorator(recent_auth_required, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        old_key = self.request.session.session_key
        response = super().form_valid(form)  # cycles the session key
        new_key = self.request.session.session_key
        services.track_session(self.request.user, new_key, replaces=old_key)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        """Same answer whatever happens; over the limits, no e-mail is sent."""
        from axes.helpers import get_client_ip_address

        email = form.cleaned_data["email"]
        if throttle.password_reset_allowed(email, get_client_ip_address(self.request)):
            return super().form_valid(form)
        logger.info("password_reset_throttled")
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- Invitation: the person sets their own password -------------------------


@login_not_required
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: choose a password, then (if the role needs it) enrol.

    The token leaves the URL at once (kept in the session, like the password reset):
    the page's address then holds no secret for the history, logs or Referer.
    """
    if token != invitations.ACCEPT_MARKER:
        try:
            invitations.check(token)
        except invitations.InvitationInvalid as invalid:
            return _invitation_refused(request, invalid)
        request.session[invitations.SESSION_KEY] = token
        return redirect("accounts:invitation", token=invitations.ACCEPT_MARKER)
    try:
        invite = invitations.check(request.session.get(invitations.SESSION_KEY, ""))
    except invitations.InvitationInvalid as invalid:
        return _invitation_refused(request, invalid)
    user = invite.user
    form = SetPasswordForm(user, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.accept(invite, form.cleaned_data["new_password1"])
        except invitations.InvitationInvalid as invalid:
            return _invitation_refused(request, invalid)
        request.session.pop(invitations.SESSION_KEY, None)
        backend = settings.AUTHENTICATION_BACKENDS[-1]
        if otp.is_required_for(user):
            # No session yet: the role needs the second factor first (e-mailed code,
            # then the app), exactly as at a first sign-in.
            user.backend = backend
            otp.start_pending(request, user, reverse("core:home"))
            messages.success(
                request,
                _(
                    "Votre mot de passe est enregistré. Votre rôle exige la double "
                    "authentification."
                ),
            )
            return redirect("accounts:login_enrol")
        auth_login(request, user, backend=backend)
        messages.success(request, _("Bienvenue ! Votre mot de passe est enregistré."))
        return remember_language(redirect("core:home"), user.language)
    return render(request, "accounts/invitation.html", {"form": form, "invited": user})


def _invitation_refused(request: HttpRequest, invalid: invitations.InvitationInvalid):
    request.session.pop(invitations.SESSION_KEY, None)
    logger.info("invitation_refused", extra={"reason": invalid.reason})
    return render(
        request, "accounts/invitation_invalid.html", {"message": invalid.message}, status=400
    )
