from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django_scopes import scope, scopes_disabled


class ScopeMiddleware:
    """Open the SLSP scope of the request's user around the view (deny by default).

    A user's scope is the list of SLSPs where they hold an SLSP role; every other
    user (coordinator, juror, anonymous) gets an empty scope, so scoped models return
    nothing to them. Only staff inside the Django admin work unscoped.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_staff and request.path.startswith(self.admin_prefix):
            with scopes_disabled():
                return self.get_response(request)
        slsp_ids = list(user.slsp_ids()) if user.is_authenticated else []
        with scope(slsp=slsp_ids):
            return self.get_response(request)


class NoStoreMiddleware:
    """Pages seen by a signed-in user may hold personal data: never cache them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(settings.STATIC_URL):
            return response
        if request.user.is_authenticated or request.method == "POST":
            add_never_cache_headers(response)
            patch_vary_headers(response, ["Cookie"])
        return response


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` → `camera=(), fullscreen=(self)`."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())


class PermissionsPolicyMiddleware:
    """Every response refuses the browser features the application never uses (camera,
    microphone, geolocation, payment, USB…), so injected or framed content cannot ask."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
