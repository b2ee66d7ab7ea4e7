import rules
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from apps.slsps import queries
from apps.slsps.filters import RegisterFilter


@login_required
def register(request):
    if not request.user.has_perm("slsps.view_register"):
        raise Http404
    rows = queries.register_rows(request.user).order_by("official_name")
    filterset = RegisterFilter(request.GET, queryset=rows)
    page = Paginator(filterset.qs, 100).get_page(request.GET.get("page"))
    return render(request, "slsps/register.html", {"filter": filterset, "page": page})


@login_required
def mine(request):
    ids = request.user.slsp_ids()
    if not ids:
        raise Http404
    slsp = queries.slsps_for(request.user).get(pk=ids[0])
    return redirect("slsps:detail", uuid=slsp.uuid)


@login_required
def detail(request, uuid):
    slsp = get_object_or_404(queries.slsps_for(request.user), uuid=uuid)
    if not request.user.has_perm("slsps.view_slsp", slsp):
        raise Http404
    posts = queries.referent_posts_for(request.user, slsp)
    context = {
        "slsp": slsp,
        "posts": posts,
        "can_view_strategy": rules.has_perm("slsps.view_strategies", request.user, slsp),
    }
    return render(request, "slsps/detail.html", context)
