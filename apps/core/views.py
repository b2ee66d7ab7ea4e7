import logging

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from apps.core import health, search
from apps.core.registry import registry

logger = logging.getLogger(__name__)


def home(request):
    panels = []
    for panel in registry.panels:
        data = panel.build(request)
        if data is not None:
            panels.append({"template": panel.template, "data": data})
    return render(request, "core/home.html", {"panels": panels})


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    """The header's search: every kind of record the user may see, grouped by kind.
    Each app searches its own rows through its own visibility function."""
    query = search.clean(request.GET.get("q"))
    searchable = search.is_searchable(query)
    groups = search.search_everywhere(request.user, query) if searchable else []
    context = {
        "query": query,
        "header_query": query,
        "searched": bool(query),
        "too_short": bool(query) and not searchable,
        "groups": groups,
    }
    return render(request, "core/search.html", context)


@login_not_required
@require_safe
@never_cache
def health_check(request: HttpRequest) -> JsonResponse:
    """Readiness: each component's state; 503 when this instance cannot serve."""
    report = health.check_all()
    return JsonResponse(report, status=200 if health.is_ready(report) else 503)


@login_not_required
@require_safe
@never_cache
def liveness(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches nothing, so an outage elsewhere never
    makes the orchestrator restart a healthy web process."""
    return HttpResponse("ok", content_type="text/plain")
