import logging

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.core import health
from apps.core.registry import registry

logger = logging.getLogger(__name__)


def home(request):
    panels = []
    for panel in registry.panels:
        data = panel.build(request)
        if data is not None:
            panels.append({"template": panel.template, "data": data})
    return render(request, "core/home.html", {"panels": panels})


@login_not_required
@require_GET
@never_cache
def health_check(request):
    report = health.check_all()
    status = 200 if report["database"] == "ok" and report["redis"] == "ok" else 503
    return JsonResponse(report, status=status)
