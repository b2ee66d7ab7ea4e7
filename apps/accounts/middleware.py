from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext_lazy as _

from apps.accounts import sessions

MESSAGES = {
    "idle": _("Votre session a expiré après une période d'inactivité. Veuillez vous reconnecter."),
    "absolute": _("Votre session a atteint sa durée maximale. Veuillez vous reconnecter."),
}


class SessionSecurityMiddleware:
    """End signed-in sessions idle for too long or older than the absolute lifetime.

    It never looks at the second factor: that is enforced at sign-in (SECURITY.md).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            reason = sessions.expiry_reason(request.session)
            if reason is not None:
                logout(request)
                messages.warning(request, MESSAGES[reason])
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)
