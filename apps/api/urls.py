"""The API's routes: token-authenticated endpoints and their public documentation."""

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver
from django.views.decorators.cache import never_cache

from apps.api.api import api

patterns, _app_name, _namespace = api.urls
app_name = "api"


def _public(pattern: URLPattern | URLResolver) -> URLPattern | URLResolver:
    assert isinstance(pattern, URLPattern)  # ninja's routes are flat
    # The endpoints authenticate by token, not by session (LoginRequiredMiddleware would
    # send them to the sign-in page); the docs and schema describe no data. Answers may
    # hold personal data: never cached.
    if pattern.name != "api-root":
        pattern.callback = login_not_required(never_cache(pattern.callback))
    return pattern


urlpatterns = [_public(p) for p in patterns]
