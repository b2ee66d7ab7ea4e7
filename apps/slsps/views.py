from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from apps.core.permissions import allowed, get_visible_or_404, permission_required, require
from apps.slsps import queries
from apps.slsps.filters import RegisterFilter


@permission_required("slsps.view_register")
def register(request):
    rows = queries.register_rows(request.user).order_by("official_name")
    filterset = RegisterFilter(request.GET, queryset=rows)
    page = Paginator(filterset.qs, 100).get_page(request.GET.get("page"))
    return render(request, "slsps/register.html", {"filter": filterset, "page": page})


def mine(request):
    ids = request.user.slsp_ids()
    if not ids:
        raise Http404
    slsp = queries.slsps_for(request.user).get(pk=ids[0])
    return redirect("slsps:detail", uuid=slsp.uuid)


def detail(request, uuid):
    slsp = get_visible_or_404(queries.slsps_for(request.user), uuid=uuid)
    require(request.user, "slsps.view_slsp", slsp)
    posts = queries.referent_posts_for(request.user, slsp)
    context = {
        "slsp": slsp,
        "posts": posts,
        "can_view_strategy": allowed(request.user, "slsps.view_strategies", slsp),
    }
    return render(request, "slsps/detail.html", context)
