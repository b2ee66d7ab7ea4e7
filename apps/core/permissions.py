"""The one permission layer: views ask here, and every refusal is a 404.

A refusal answers 404 rather than 403 so that a guessed URL never confirms that an
object of another SLSP exists. The rules themselves are django-rules predicates in
each app's `rules.py`; they are asked directly, without Django's superuser bypass,
because the technical administrator works in no SLSP and runs no call.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import rules
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

M = TypeVar("M", bound=Model)
View = Callable[..., HttpResponse]


def allowed(user: Any, perm: str, obj: object | None = None) -> bool:
    return bool(rules.has_perm(perm, user, obj))


def require(user: Any, perm: str, obj: object | None = None) -> None:
    """Raise 404 unless the rule `perm` grants `user` access (to `obj`)."""
    if not allowed(user, perm, obj):
        raise Http404


def get_visible_or_404(queryset: QuerySet[M], **lookup: Any) -> M:
    """Load one object through a user's visibility query (`*_for(user)`), else 404."""
    return get_object_or_404(queryset, **lookup)


def permission_required(perm: str) -> Callable[[View], View]:
    """View decorator for rules that need no object (lists, create pages)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require(request.user, perm)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
