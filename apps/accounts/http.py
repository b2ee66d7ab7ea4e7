"""The request type of views behind LoginRequiredMiddleware: its user is signed in.

Annotate such a view's request with `AuthenticatedHttpRequest` so that the visibility
functions (`*_for(user: User)`) type-check; public views (`login_not_required`) keep
`HttpRequest`, whose user may be anonymous.
"""

from django.http import HttpRequest

from apps.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
