"""The application's URLs plus the framework floor, for the benchmark only.

The floor is the cheapest authenticated page the framework can serve: login check,
the whole middleware stack, context processors and the base template, no query of
its own. Every page is reported as a ratio to it.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import include, path


@login_required
def floor(request):
    return render(request, "base.html")


urlpatterns = [
    path("__bench__/floor/", floor, name="bench_floor"),
    path("", include("slsp_referent.urls")),
]
